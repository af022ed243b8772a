import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actDraftSchema } from '../../shared/acts/draft.js';
import { acteInputFromDraft } from './act-from-draft.js';
import { buildActeMessage } from './actes-format/build-acte.js';
import { parseActesReturn } from './actes-format/parse-return.js';
import { commune, pdf, png } from './actes-format/test-fixtures.js';
import { actesXsdDir, assertValidActesXml } from './actes-format/xsd-validate.js';

// The real classification of the reference examples (7-2).
const retour = parseActesReturn(readFileSync(path.join(actesXsdDir(), 'examples', '999-1234----7-2_1.xml')));
if (retour.type !== 'RetourClassification') throw new Error('fixture');
const classification = retour.classification;

const draft = actDraftSchema.parse({
  numeroInterne: 'DEL2026_100',
  decisionDate: '2026-11-20',
  codeNatureActe: 1,
  matieres: [8, 3, 1],
  objet: 'Dénomination de voies',
  classificationDateVersion: '2019-04-18',
  act: { fileName: 'deliberation.pdf', size: 1, kind: 'pdf', typology: '99_DE' },
  annexes: [{ fileName: 'plan.png', size: 1, kind: 'png', typology: '99_SE' }],
});

describe('draft → ACTES message', () => {
  it('a valid draft with the real classification becomes a valid Acte', async () => {
    const input = acteInputFromDraft(draft, { act: pdf, annexes: [png] }, { commune, today: '2026-11-28', classification });
    const m = buildActeMessage(input);
    await assertValidActesXml([{ fileName: m.fileName, content: m.xml }]);
    expect(m.documents[1].fileName).toMatch(/^99_SE-.*_2\.png$/);
  });
  it('the kinds declared by the client are not trusted: bytes are sniffed', () => {
    expect(() => acteInputFromDraft(draft, { act: png, annexes: [png] }, { commune, today: '2026-11-28', classification })).toThrow(
      /L'acte doit être un fichier PDF/,
    );
  });
  it('a typology that the prefecture does not list for the nature is refused', () => {
    const bad = { ...draft, act: { ...draft.act, typology: '99_AI' } };
    expect(() => acteInputFromDraft(bad, { act: pdf, annexes: [png] }, { commune, today: '2026-11-28', classification })).toThrow(
      /typologie « 99_AI »/,
    );
  });
});
