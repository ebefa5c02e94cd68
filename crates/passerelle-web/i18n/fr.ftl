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
