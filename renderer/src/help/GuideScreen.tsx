import { useNav } from '../nav/store.js';
import { APP_VERSION, assistanceSentence } from './platform.js';

/** The user guide: what each screen is for, in the words of the counter. Static, on purpose: it works offline. */
export function GuideScreen() {
  const go = useNav((s) => s.go);
  return (
    <main id="contenu" tabIndex={-1} className="guide">
      <h1>Guide d'utilisation</h1>
      <p>
        Guichet réunit les services numériques que le département ouvre à la mairie. Le menu à gauche les regroupe par service ; la page
        d'accueil dit lesquels sont ouverts, lesquels peuvent l'être sur demande et lesquels sont en préparation.
      </p>
      <h2>Travailler hors ligne</h2>
      <p>
        Ce que vous enregistrez est gardé sur ce poste, puis envoyé au serveur du département dès que la connexion revient. La barre sous
        l'en-tête dit si le poste est en ligne et combien de modifications attendent. « Synchroniser maintenant » relance l'envoi.
      </p>
      <h2>Listes électorales</h2>
      <ul>
        <li>
          <strong>Importer</strong> : choisissez le fichier CSV exporté du REU. Guichet montre ce qui change avant d'importer ; rien n'est
          modifié tant que vous n'avez pas confirmé.
        </li>
        <li>
          <strong>Rechercher</strong> : tapez un nom (avec ou sans accents), un prénom ou une date de naissance (JJ/MM/AAAA). Les flèches du
          clavier parcourent les résultats, Entrée ouvre la fiche.
        </li>
        <li>
          <strong>Demandes</strong> : enregistrez une inscription, une radiation ou un changement d'adresse depuis la fiche de l'électeur ou
          depuis la liste des demandes. Seul le maire accepte ou refuse une demande.
        </li>
      </ul>
      <h2>Contrôle de légalité</h2>
      <ul>
        <li>
          <strong>Préparer un acte</strong> : nature, numéro, date, objet, matière et le PDF de l'acte. Les points à corriger s'affichent au
          fil de la saisie.
        </li>
        <li>
          <strong>Signer et transmettre</strong> : le maire importe une fois son certificat de signature (« Certificat de signature »),
          signe l'acte avec le mot de passe du certificat, puis le transmet. L'accusé de réception de la préfecture arrive ensuite.
        </li>
      </ul>
      <h2>Comptes et postes</h2>
      <p>
        Le maire crée les comptes de la secrétaire et des élus, et peut révoquer un poste perdu ou volé. Chaque personne a son propre compte
        : ne partagez pas les mots de passe.
      </p>
      <h2>Besoin d'aide ?</h2>
      <p>{assistanceSentence()}</p>
      <p>Indiquez la version de Guichet quand vous appelez : {APP_VERSION}.</p>
      <button type="button" onClick={() => go({ name: 'home' })}>
        Retour à l'accueil
      </button>
    </main>
  );
}
