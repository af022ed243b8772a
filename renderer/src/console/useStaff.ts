import { createContext, useContext } from 'react';
import type { StaffInfo } from '../../../shared/console/staff.js';

/** The signed-in agent, for screens that show actions by role (the hub checks the role again). */
export const StaffContext = createContext<StaffInfo | null>(null);
export const useIsAdmin = () => useContext(StaffContext)?.role === 'administrateur';
