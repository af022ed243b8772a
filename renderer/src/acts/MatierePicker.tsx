import type { Matiere } from '../../../shared/acts/classification.js';
import { SelectField } from '../ui/Field.js';

const LEVEL_LABELS = [
  'Matière',
  'Sous-matière',
  'Précision (niveau 3, facultatif)',
  'Précision (niveau 4, facultatif)',
  'Précision (niveau 5, facultatif)',
];

/**
 * Cascading pickers over the prefecture's tree of matières: each choice opens
 * the next level. The two first levels are required (rules.ts), the others
 * only when the prefecture's tree goes further.
 */
export function MatierePicker({
  tree,
  value,
  onChange,
  error,
}: {
  tree: Matiere[];
  value: number[];
  onChange(codes: number[]): void;
  error: string | null;
}) {
  const levels: Matiere[][] = [tree];
  for (const code of value) {
    const chosen = levels[levels.length - 1].find((m) => m.code === code);
    if (!chosen || chosen.children.length === 0 || levels.length >= 5) break;
    levels.push(chosen.children);
  }
  return (
    <fieldset>
      <legend>Classification de l'acte (matière)</legend>
      <p className="hint">Choisissez la matière puis la sous-matière, comme dans la classification de la préfecture.</p>
      {levels.map((options, level) => (
        <SelectField
          // biome-ignore lint/suspicious/noArrayIndexKey: a level's place is what it is (matière, sous-matière…); levels come and go at the end only
          key={level}
          id={`matiere-${level + 1}`}
          label={LEVEL_LABELS[level]}
          value={value[level] ?? ''}
          // The error sits under the last level she has to fill.
          error={level === Math.min(levels.length - 1, Math.max(1, value.length)) ? error : null}
          onChange={(e) => onChange(e.target.value === '' ? value.slice(0, level) : [...value.slice(0, level), Number(e.target.value)])}
        >
          <option value="">{level < 2 ? '— Choisir —' : '— Aucune précision —'}</option>
          {options.map((m) => (
            <option key={m.code} value={m.code}>
              {[...value.slice(0, level), m.code].join('.')} — {m.libelle}
            </option>
          ))}
        </SelectField>
      ))}
    </fieldset>
  );
}
