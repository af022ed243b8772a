import { useNav } from '../nav/store.js';
import { APP_VERSION, assistanceSentence } from './platform.js';

/** Help on every screen: the user guide, the département's assistance, the version (to quote when calling it). */
export function HelpFooter({ withGuide = true }: { withGuide?: boolean }) {
  const go = useNav((s) => s.go);
  return (
    <footer className="help-footer">
      {withGuide ? (
        <button type="button" className="link" onClick={() => go({ name: 'guide' })}>
          Guide d'utilisation
        </button>
      ) : null}
      <span>{assistanceSentence()}</span>
      <span>Guichet version {APP_VERSION}</span>
    </footer>
  );
}
