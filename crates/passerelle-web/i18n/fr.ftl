# Passerelle web interface: French. Generated once from one table; now edited by hand.
# Every message here must exist in the other language with the same variables (tests/i18n.rs).

app-tagline = Les règles qui s'appliquent à votre projet numérique
gc-signature = Gouvernement du Canada
canada-url = https://www.canada.ca/fr.html
terms-url = https://www.canada.ca/fr/transparence/avis.html
other-language = English
skip-label = Liens d'évitement
skip-to-main = Passer au contenu principal
footer-about = À propos de ce site
dcterms-language = fra
dcterms-creator = Gouvernement du Canada
nav-rules = Règles
nav-myths = Mythes
nav-instruments = Lois et politiques
error-title-prefix = Erreur :
start-title = Trouver les règles qui s'appliquent à votre projet
start-lead = Répondez à quelques questions sur votre projet. Passerelle indique ce que vous devez faire avant, pendant et après, pourquoi, et à qui vous adresser.
start-how = Seules les questions utiles à votre situation sont posées, une à la fois. Chaque élément cite la loi ou la politique dont il découle. Vous pouvez modifier vos réponses en tout temps.
start-journeys = Commencer par votre situation
start-button = Commencer
start-explore-title = Tout explorer
start-explore-text = Commencer sans situation prédéfinie : on vous posera toutes les questions qui peuvent changer le résultat.
start-explore-button = Commencer sans préréglage
start-browse = Parcourir les règles
start-packs = Règles utilisées
start-privacy = N'entrez aucun renseignement personnel sur qui que ce soit : les questions portent sur votre projet, pas sur des personnes. Vos réponses sont conservées sur ce serveur pour que vous puissiez y revenir avec l'adresse de la page.
pack-line = { $title } (version { $version })
count-rules =
    { $count ->
        [one] { $count } règle
       *[other] { $count } règles
    }
count-myths =
    { $count ->
        [one] { $count } mythe
       *[other] { $count } mythes
    }
count-instruments =
    { $count ->
        [one] { $count } loi, politique ou autre instrument
       *[other] { $count } lois, politiques et autres instruments
    }
count-provisions =
    { $count ->
        [one] { $count } disposition
       *[other] { $count } dispositions
    }
back = Retour
continue = Continuer
yes = Oui
no = Non
or = ou
none-of-these = Aucune de ces réponses
progress-question = Question { $number }
why-we-ask = Pourquoi nous posons cette question
why-we-ask-intro = Votre réponse détermine si ces éléments s'appliquent à vous :
why-we-ask-myths = Elle détermine aussi si ces idées reçues concernent votre projet :
saved-note = Vos réponses sont enregistrées au fur et à mesure. Pour y revenir plus tard, conservez l'adresse de cette page.
date-year = Année
date-month = Mois
date-day = Jour
error-prefix = Erreur :
error-summary-title = Il y a un problème
err-choose-one = Sélectionnez une réponse
err-choose-some = Sélectionnez au moins une réponse, ou « Aucune de ces réponses »
err-none-and-other = Sélectionnez « Aucune de ces réponses » ou d'autres réponses, pas les deux
err-not-an-option = Sélectionnez l'une des réponses proposées
err-number = Entrez un nombre entier, comme 12
err-amount = Entrez un montant en dollars, comme 50 ou 1250,75
err-min = Entrez { $value } ou plus
err-max = Entrez { $value } ou moins
err-date-missing = Entrez l'année, le mois et le jour
err-date = Entrez une date réelle, comme 2027, 1 et 15
err-text-missing = Entrez une réponse
err-text-long = Entrez 10 000 caractères ou moins
err-bad-form = Le formulaire envoyé ne correspond pas à cette question. Vos autres réponses sont conservées : répondez de nouveau à la question.
group-added =
    { $count ->
        [one] Ajoutés jusqu'ici ({ $count })
       *[other] Ajoutés jusqu'ici ({ $count })
    }
group-none-yet = Rien n'a encore été ajouté.
group-add-heading = En ajouter un
group-add-button = Ajouter
group-full = Vous avez ajouté le nombre maximal d'éléments (200).
group-continue-none = S'il n'y en a aucun, continuez : la réponse sera « aucun ».
group-continue-some =
    { $count ->
        [one] Lorsque la liste est complète, continuez. Vous en avez ajouté { $count }.
       *[other] Lorsque la liste est complète, continuez. Vous en avez ajouté { $count }.
    }
group-item = Élément { $number }
group-none = Aucun
remove = Retirer
not-answered = Sans réponse
check-title = Vérifiez vos réponses
check-pending = Il reste des questions; vos résultats indiqueront ce qui reste à déterminer.
check-pending-link = Répondre à la question suivante
check-journey = Vous êtes parti de : { $journey }
check-empty = Aucune réponse pour l'instant.
change = Modifier
check-next-title = Obtenir votre liste de vérification
check-next-text = Vos résultats sont enregistrés avec un lien permanent que vous pouvez communiquer à votre équipe.
check-submit = Voir ce qui s'applique
results-title = Ce qui s'applique à votre projet
results-summary =
    { $count ->
        [one] { $count } obligation, selon { $pack } (version { $version }), règles en vigueur le { $date }.
       *[other] { $count } obligations, selon { $pack } (version { $version }), règles en vigueur le { $date }.
    }
results-pack-changed = Les règles ont changé depuis l'enregistrement de ce résultat : ce qui est affiché utilise les règles actuelles.
results-incomplete = Certaines règles exigent d'autres réponses. Elles figurent sous « Règles qui exigent d'autres réponses ».
results-contents = Sur cette page
results-none = Aucune obligation ne s'applique selon vos réponses.
results-to-confirm = Règles à confirmer
results-to-confirm-intro = Ces règles s'appliqueraient, mais elles n'ont pas encore été vérifiées par rapport à leur source. Consultez le responsable de la politique.
results-undetermined = Règles qui exigent d'autres réponses
results-displaced = Règles écartées par une exception
results-myths = Mythes sur votre situation
results-contacts = À qui s'adresser
results-keep = Conserver ou communiquer ce résultat
results-permalink-intro = Ce résultat est enregistré. Son lien permanent :
results-json = Télécharger le résultat en JSON
results-edit = Modifier vos réponses
results-new = Commencer un nouveau projet

## Documents produits (page des résultats, page d'un document)
doc-section-title = Documents
doc-intro = Des ébauches remplies à partir de vos réponses, en anglais et en français. Lisez-les, et faites-les réviser, avant de les utiliser.
doc-none = Aucun document ne s'applique à ces réponses.
doc-version-en = Anglais
doc-version-fr = Français
doc-file = { $format }, { $size } Ko
doc-not-ready = Pas encore prêt : certaines questions attendent une réponse.
doc-missing-intro = Pour produire ce document, répondez d'abord à ces questions :
doc-in-interview = une question de l'entrevue
doc-answer-link = Répondre à ces questions
doc-formats-note = La version HTML s'ouvre dans votre navigateur, prête à imprimer. La version Markdown est du texte brut que vous pouvez modifier.
doc-back = Retour à vos résultats
doc-page-intro = Répondez à ces questions pour remplir ce document. Elles servent seulement aux documents : elles ne changent pas ce qui s'applique.
doc-page-save = Enregistrer et produire le document
doc-page-note = Vos réponses sont enregistrées dans une nouvelle copie de vos résultats, qui a son propre lien permanent. Le lien qui vous a mené ici montre toujours les résultats tels qu'ils étaient.
doc-page-interview-title = Questions de l'entrevue
doc-page-interview-intro = Ces questions font partie de l'entrevue, et vos réponses peuvent changer ce qui s'applique. Poursuivez l'entrevue pour y répondre : vous verrez ensuite de nouveau vos résultats, avec ce document.
doc-page-continue = Poursuivre l'entrevue
doc-page-ready = Ce document est prêt, en anglais et en français.
doc-page-download = Télécharger

intent = Raison d'être :
owner = À qui s'adresser :
sources = Sources
for-item = Pour { $item }
why-applies = Pourquoi cela s'applique
rule-page-link = À propos de cette règle
myth-page-link = À propos de ce mythe
to-confirm-why = Pas encore vérifiée :
explain-intro = Elle s'applique parce que :
explain-all = Toutes ces conditions :
explain-any = Au moins une de ces conditions :
explain-not = Pas cette condition :
explain-always = Cette règle s'applique toujours.
explain-holds = remplie
explain-not-holds = non remplie
explain-unknown = pas encore connue
explain-your-answer = Votre réponse à « { $question } » : { $answer }
explain-implied-answer = Considéré comme « { $answer } » pour « { $question } », d'après vos autres réponses
explain-no-answer = Aucune réponse à « { $question } »
explain-exceptions = Exceptions examinées :
explain-exception-holds = elle s'applique
explain-exception-not = elle ne s'applique pas
## The case log, accounts and administration (src/cases.rs, case_form.rs, auth.rs, admin.rs)
account-nav-label = Votre compte
nav-cases = Registre des cas
nav-users = Comptes
nav-audit = Journal d'audit
sign-in = Se connecter
sign-out = Se déconnecter
signed-in-as = Connecté en tant que { $name }
sign-in-title = Se connecter
sign-in-lead = Connectez-vous pour enregistrer des situations dans le registre des cas et lire celles qui ne sont pas encore publiées.
sign-in-username = Nom d'utilisateur
sign-in-password = Mot de passe
sign-in-note = Les comptes sont créés par un administrateur. Les situations publiées se lisent sans compte.
sign-in-already = Vous êtes connecté en tant que { $name }. Vous connecter de nouveau remplace cette session.
sign-in-no-username = Entrez votre nom d'utilisateur
sign-in-no-password = Entrez votre mot de passe
sign-in-refused = Le nom d'utilisateur ou le mot de passe n'est pas bon
sign-in-limited-title = Trop de tentatives de connexion
sign-in-limited-text = Pour votre sécurité, la connexion est suspendue après plusieurs mots de passe erronés. Réessayez dans { $minutes } minutes (après { $time } UTC).
csrf-title = Votre formulaire n'a pas pu être envoyé
csrf-text = Son jeton de sécurité manquait ou avait expiré. Rien n'a été modifié. Revenez en arrière : ce que vous avez tapé est toujours dans le formulaire. Rechargez la page, puis envoyez-le de nouveau.
csrf-form = Le jeton de sécurité du formulaire manquait ou avait expiré ; rien n'a donc été enregistré. Ce que vous avez tapé est ci-dessous : vérifiez-le et envoyez de nouveau le formulaire.
sign-in-with = Se connecter avec { $provider }
sign-in-with-password = Ou se connecter avec un nom d'utilisateur et un mot de passe
oidc-try-again = Retour à la page de connexion
oidc-state-title = Cette connexion a expiré
oidc-state-text = Nous n'avons pas pu rattacher cette réponse de votre fournisseur d'identité à une connexion commencée dans ce navigateur : elle a pris plus de 10 minutes, a déjà servi ou a été commencée ailleurs. Rien n'a été modifié. Recommencez à partir de la page de connexion.
oidc-failed-title = Votre identité n'a pas pu être confirmée
oidc-failed-text = Votre fournisseur d'identité ne vous a pas connecté, ou sa réponse n'a pas passé nos vérifications. Vous n'êtes pas connecté. Réessayez ; si cela se reproduit, indiquez à un administrateur l'heure à laquelle c'est arrivé.
oidc-unknown-title = Aucun compte pour cette identité
oidc-unknown-text = Votre fournisseur d'identité a confirmé qui vous êtes, mais aucun compte Passerelle actif n'est lié à cette identité. Les comptes sont créés par un administrateur : donnez-lui cet identifiant, { $subject }, et demandez-lui de créer ou de réactiver votre compte.
oidc-unavailable-title = Le fournisseur d'identité est injoignable
oidc-unavailable-text = Nous n'avons pas pu joindre votre fournisseur d'identité, ou sa réponse était inutilisable. Vous n'êtes pas connecté. Réessayez dans quelques minutes, ou connectez-vous avec un nom d'utilisateur et un mot de passe si vous en avez un.
deny-title = Vous ne pouvez pas faire cela
deny-admin = Seuls les administrateurs peuvent gérer les comptes et lire le journal d'audit.
deny-edit-published = Seul un spécialiste des politiques peut modifier une situation publiée.
deny-edit-others = Les contributeurs ne peuvent modifier que les situations qu'ils ont rédigées.
deny-status = Votre rôle ne permet pas de donner ce statut à une situation : les contributeurs peuvent choisir ébauche ou répondue.
deny-advice = Seuls les spécialistes des politiques peuvent donner des conseils.
deny-sign-in = Connectez-vous d'abord.
cases-title = Registre des cas
cases-lead = Les situations soumises par les équipes de prestation, ce que disaient les règles à ce moment et les conseils donnés. Vous voyez celles qui sont publiées : connectez-vous pour les voir toutes.
cases-lead-signed-in = Les situations soumises par les équipes de prestation, ce que disaient les règles à ce moment et les conseils donnés.
cases-search-label = Chercher dans le registre des cas
cases-search-words = Mots à chercher
cases-search-words-hint = En français ou en anglais. Les accents et les pluriels ne comptent pas.
cases-search-more = Plus de filtres
cases-search-rule = Règle citée
cases-search-rule-hint = Son identifiant, tel qu'il figure sur la page de la règle, par exemple tell-purpose.
cases-search-from = Modifiée à partir du
cases-search-to = Modifiée jusqu'au
cases-search-button = Chercher
cases-any-domain = Tous les domaines
case-search-bad-date = « { $value } » n'est pas une date : écrivez-la AAAA-MM-JJ
cases-count = { $count ->
    [one] 1 situation
   *[other] { $count } situations
}
cases-none = Aucune situation ne correspond. Essayez d'autres mots ou moins de filtres.
cases-updated-on = modifiée le { $date }
cases-pages = Pages de résultats
cases-prev = Page précédente
cases-next = Page suivante
cases-page = Page { $page } sur { $pages }
case-status = Statut
case-status-draft = Ébauche
case-status-answered = Répondue
case-status-needs-review = À revoir
case-status-published = Publiée
case-domain = Domaine
case-domains = Domaines
case-journey = Parcours
case-consulted = Personnes consultées
case-consulted-none = Personne pour l'instant
case-created = Créée
case-updated = Dernière modification
case-by-on = par { $who } le { $when }
case-revision = Révision
case-narrative-title = Ce que fait l'équipe
case-advice-title = Conseils
case-advice-none = Aucun conseil n'a encore été donné.
case-advice-other-language = Ces conseils n'ont été rédigés que dans une langue.
case-needs-review-notice = Un changement des règles a modifié ce qui s'applique à cette situation.
case-review-link = Voir les différences
case-review-title = Différences trouvées par la revérification
case-review-line = Revérifiée le { $when } avec les règles en vigueur le { $date }.
case-review-before = Avant :
case-review-after = Après :
case-verdict-title = Ce qui s'appliquait à ce moment
case-verdict-line = Établi avec les règles en vigueur le { $date }, avec ces ensembles de règles :
case-obligations = { $count ->
    [one] 1 obligation
   *[other] { $count } obligations
}
case-myths = { $count ->
    [one] 1 mythe
   *[other] { $count } mythes
}
case-to-confirm = { $count ->
    [one] 1 règle à confirmer
   *[other] { $count } règles à confirmer
}
case-none-recorded = Rien ne s'appliquait.
case-text-missing = Le texte de { $id } n'a pas été consigné.
case-answers-title = Les réponses données
case-links-title = Règles et mythes liés
case-history = L'historique de cette situation dans le journal d'audit
case-edit = Modifier cette situation
case-back-to-situation = Revenir à la situation
case-new-title = Enregistrer cette situation
case-edit-title = Modifier la situation
case-new-submit = Enregistrer la situation
case-edit-submit = Enregistrer les modifications
case-form-recorded = Ce qui sera consigné
case-form-about = La situation
case-form-pi-note = Les situations portent sur des projets, pas sur des personnes : n'écrivez ni noms, ni adresses courriel, ni numéros de téléphone, ni autres renseignements personnels.
case-form-advice = Conseils
case-form-status = Statut
case-form-links = Règles et mythes
case-as-of = Règles en vigueur le
case-packs = Ensembles de règles
case-applied = Ce qui s'appliquait
case-applied-counts = { $obligations } obligations, { $myths } mythes, { $confirm } à confirmer
case-field-title = Titre
case-field-narrative = Ce que fait l'équipe
case-field-lang = Langue du titre et de la description
case-field-domains = Domaines
case-field-consulted = Personnes consultées
case-field-advice-en = Conseils en anglais
case-field-advice-fr = Conseils en français
case-field-status = Statut
case-field-rules = Autres règles à lier
case-field-myths = Mythes à lier
case-hint-title = Un nom court pour la situation, par exemple « Tests d'utilisabilité à distance avec un outil hébergé aux États-Unis ».
case-hint-narrative = Ce que l'équipe veut faire et ce qu'elle a demandé. Laissez une ligne vide entre les paragraphes.
case-hint-consulted = Les bureaux dont on a demandé l'avis.
case-hint-status = Tout le monde peut lire les situations publiées, sans compte.
case-hint-rules = Identifiants de règles séparés par des espaces, tels qu'ils figurent sur la page de chaque règle. Les règles qui s'appliquaient sont déjà consignées.
case-hint-myths = Identifiants de mythes séparés par des espaces.
case-lang-en = Anglais
case-lang-fr = Français
case-advice-specialists = Les conseils sont donnés par les spécialistes des politiques.
case-err-title = Entrez un titre
case-err-title-long = Le titre doit compter au plus 200 caractères
case-err-narrative = Décrivez ce que fait l'équipe
case-err-too-long = Ce texte doit compter au plus 20 000 caractères
case-err-lang = « { $value } » n'est pas une langue : choisissez le français ou l'anglais
case-err-domain = « { $value } » n'est pas un domaine
case-err-consulted = « { $value } » n'est pas une personne-ressource des ensembles de règles
case-err-status = « { $value } » n'est pas un statut
case-err-rule = Il n'y a pas de règle « { $value } »
case-err-myth = Il n'y a pas de mythe « { $value } »
case-err-revision = Il manque le numéro de révision au formulaire : ouvrez de nouveau la page de modification
case-conflict = Quelqu'un d'autre a modifié cette situation pendant que vous la modifiiez (elle est maintenant à la révision { $revision }). Rien n'a été enregistré. Sa version figure ci-dessous ; votre texte est conservé dans le formulaire.
case-conflict-current = La version enregistrée maintenant
case-conflict-kept = Vos modifications sont toujours dans le formulaire ci-dessous. Comparez-les à cette version, puis enregistrez de nouveau.
case-no-result-title = Il n'y a pas de résultat à enregistrer
case-no-result-text = Une situation s'enregistre à partir d'une page de résultats. Répondez d'abord aux questions, puis choisissez « Enregistrer cette situation » dans les résultats.
pi-question = Ceci ressemble à un renseignement personnel ({ $kind }) : « { $text } »
pi-summary = { $field } : « { $text } » pourrait être un renseignement personnel ({ $kind }). Retirez-le ou confirmez qu'il ne concerne pas une personne.
pi-hint = Les situations portent sur des projets, pas sur des personnes. Ne le gardez que s'il ne s'agit pas d'un renseignement personnel sur une personne, comme le numéro de téléphone général d'un bureau.
pi-remove = Le retirer du texte
pi-keep = Le garder : ce n'est pas un renseignement personnel sur une personne
others-title = D'autres dans votre situation
others-intro = Situations publiées qui citaient les mêmes règles, avec les conseils donnés :
save-situation-title = Enregistrer cette situation
save-situation-text = Consignez ces réponses et ce qui s'applique dans le registre des cas, avec un titre, une description et les conseils donnés, pour que la réponse puisse resservir.
save-situation = Enregistrer cette situation
save-situation-sign-in = Se connecter pour enregistrer cette situation
users-title = Comptes
users-lead = Les personnes qui peuvent écrire dans le registre des cas. Les contributeurs enregistrent des situations ; les spécialistes des politiques donnent aussi des conseils et publient ; les administrateurs gèrent aussi les comptes.
users-name = Nom
users-role = Rôle
users-state = État
users-actions = Modifications
users-active = Actif
users-disabled = Désactivé
users-oidc = Se connecte avec OpenID Connect en tant que { $identity }
users-self = Votre propre compte
users-change-role-for = Nouveau rôle pour { $name }
users-change-role = Changer le rôle
users-disable = Désactiver
users-enable = Réactiver
users-new = Créer un compte
users-display-name = Nom affiché
users-password = Premier mot de passe
users-password-hint = Au moins 12 caractères. Transmettez-le à la personne par un autre moyen.
users-create = Créer le compte
role-contributor = Contributeur
role-policy-specialist = Spécialiste des politiques
role-admin = Administrateur
user-err-username = Entrez un nom d'utilisateur fait de lettres, de chiffres et de . _ - @ (100 caractères au plus)
user-err-display-name = Entrez le nom à afficher
user-err-role = Choisissez un rôle
user-err-password = Le mot de passe doit compter au moins 12 caractères
user-err-taken = Ce nom d'utilisateur est déjà pris
user-err-self = Vous ne pouvez pas changer le rôle de votre propre compte ni le désactiver
user-err-action = Cette page ne fait pas cette modification
audit-title = Journal d'audit
audit-lead = Toutes les modifications des situations et des comptes, les plus récentes d'abord. Rien ne peut y être modifié ni supprimé.
audit-when = Quand
audit-who = Qui
audit-what = Quoi
audit-changes = Champs modifiés
audit-field = Champ
audit-before = Avant
audit-after = Après
audit-value = La valeur consignée
audit-none = Rien n'a encore été consigné.
audit-older = Entrées plus anciennes
audit-newest = Entrées les plus récentes
audit-all = Voir toutes les entrées
audit-only-entity = Seulement les entrées sur { $id }.
audit-action-create = Création
audit-action-update = Modification
audit-action-recheck = Revérification
audit-action-import = Importation
audit-action-sign-in = Connexion
audit-entity-situation = situation
audit-entity-user = compte

rules-title = Règles
rules-lead = Toutes les obligations que Passerelle connaît, par domaine. Chacune cite sa source.
rules-by-domain = Par domaine
rules-exceptions = Exceptions
domain-other = Autre
to-confirm-short = à confirmer
kind-exception = Exception
rule-id = Identifiant
domain = Domaine
phase = Quand
applies-when = S'applique si
always = Toujours
per-item = Pour chaque élément
per-item-text = Une fois pour chaque réponse à « { $group } »
layer = Palier
in-force = En vigueur
period-from = depuis le { $from }
period-to = jusqu'au { $to }
period-from-to = du { $from } au { $to }
verification = Vérification par rapport à la source
verified-on = Vérifiée le { $date }
unverified-because = Non vérifiée : { $reason }
instrument = Instrument
rule-displaced-by = Exceptions et règles qui ont préséance
rule-displaces = Règles que celle-ci écarte
myths-title = Mythes
myths-lead = Ce que l'on dit souvent aux équipes de prestation et qui n'est pas une règle, ou seulement en partie.
myth-relevant-when = Se présente quand
always-relevant = Dans tous les projets
instruments-title = Lois et politiques
instruments-lead = Les lois, règlements, politiques, directives et normes dont découlent les règles, avec une paraphrase en langage clair de chaque disposition utilisée.
official-text = Texte officiel
provisions = Dispositions utilisées
provisions-none = Aucune disposition de cet instrument n'est encore utilisée.
provision-rules = Règles tirées de cette disposition :
error-400-title = Il y a un problème avec ce qui a été envoyé
error-400-text = La demande n'a pas pu être lue. Rien n'a été modifié : vos réponses sont conservées.
error-404-title = Page introuvable
error-404-text = Nous ne trouvons pas la page demandée. Vérifiez l'adresse ou partez de la page d'accueil.
error-405-title = Cette page ne permet pas cela
error-405-text = Ce type de demande n'est pas accepté ici.
error-413-title = Ce que vous avez envoyé est trop volumineux
error-413-text = Le formulaire envoyé dépasse la taille acceptée par ce service (256 Kio). Rien n'a été modifié : vos réponses sont conservées. Revenez en arrière et raccourcissez votre réponse.
error-500-title = Désolé, une erreur s'est produite
error-500-text = Le service n'a pas pu terminer votre demande. Réessayez dans quelques minutes.
error-interview-title = Nous ne trouvons pas ces réponses
error-interview-text = L'adresse est peut-être incomplète, ou les réponses ont été supprimées. Vous pouvez recommencer.
error-start-again = Recommencer
error-go-back = Revenir à la page
error-back-to-interview = Revenir à vos questions
error-home = Aller à la page d'accueil
