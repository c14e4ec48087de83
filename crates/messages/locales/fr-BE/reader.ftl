# What readers read on French pages and in the French card. Every message here has its Dutch
# twin in ../nl-BE/reader.ftl under the same id (a test holds the two files to one list).
# $count is a number as the language writes it ("1 234"); $n the same number, for the plural.
# Before : ; ? ! and inside « » French sets a no-break space (U+00A0 or U+202F), written here.

## The site's frame

site-name = Stembus
feed-subtitle = L’actualité avec un sondage des lecteurs pour chaque article.
site-tagline = L’actualité, et ce que vous en pensez
site-skip-link = Aller au contenu
site-footer = Stembus · un site d’actualité avec sondages des lecteurs · sans traceurs, sans publicité ·
site-footer-privacy = Vie privée
page-title = { $title } | Stembus
not-found-title = Page introuvable
error-title = Un problème est survenu
back-to-front-page = Vers la page d’accueil

## Numbers and dates

percent = { $value } %
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
# $day is a number: French writes the first of the month as an ordinal, "1er juillet".
date-day = { $day ->
        [1] 1er
       *[other] { $day }
    } { $month } { $year }
date-month = { $month } { $year }
date-day-month = { $day ->
        [1] 1er
       *[other] { $day }
    } { $month }
date-with-time = { $date } à { $clock }
clock = { $hour } h { $minute }
# A time in the hour the clock shows twice on the last Sunday of October, and which of the two.
time-in-season = { $time } ({ $season })
time-summer = heure d’été
time-winter = heure d’hiver

## The poll card

poll-kicker = Sondage des lecteurs
poll-submit = Voter
poll-max-choices = Choisissez au maximum { $count } réponses.
poll-unavailable = Les chiffres de ce sondage ne peuvent pas être affichés pour le moment. Réessayez plus tard.
poll-standing-title = Résultats provisoires
poll-closed = Ce sondage est clos.
poll-results-later = Le résultat sera publié à la clôture du sondage.
poll-results-later-on = Le résultat sera publié à la clôture du sondage, le { $closes }.
poll-own-vote = Votre vote :
poll-own-vote-change = . Votre vote est enregistré —
poll-change-link = modifier
poll-own-vote-thanks = . Merci d’avoir voté.
poll-own-badge = Votre vote
poll-figures = { $percent } · { $votes }
poll-votes =
    { $n ->
        [one] { $count } vote
       *[other] { $count } votes
    }
poll-voters =
    { $n ->
        [0] Personne n’a encore voté.
        [one] { $count } lecteur a voté.
       *[other] { $count } lecteurs ont voté.
    }
poll-opens-on = Ce sondage ouvre le { $opens }.
vote-registered = Votre vote est enregistré.
vote-registered-for = Votre vote pour « { $answers } » est enregistré.
vote-answers-separator = { "\u00A0», «\u00A0" }
vote-first-stands = Vous aviez déjà voté : votre premier vote, pour « { $answers } », reste compté.
vote-retrying = Il y a beaucoup de monde ; nous renvoyons votre vote…

## The transparency box

facts-title = À propos de ce sondage
facts-not-representative = Ce sondage n’est pas représentatif : seuls les lecteurs qui choisissent d’y participer votent, et ils ne forment pas un échantillon de la population.
facts-voters =
    { $n ->
        [one] Jusqu’ici, { $count } lecteur a voté.
       *[other] Jusqu’ici, { $count } lecteurs ont voté.
    }
facts-voters-closed =
    { $n ->
        [one] Au total, { $count } lecteur a voté.
       *[other] Au total, { $count } lecteurs ont voté.
    }
facts-voters-unavailable = Le nombre de lecteurs qui ont voté ne peut pas être affiché pour le moment.
facts-period-not-yet-open = Le sondage ouvre le { $opened }.
facts-period-ran =
    Le sondage a eu lieu { $opened-precision ->
        [day] du { $opened }
       *[month] de { $opened }
    } au { $closes }.
facts-period-closes =
    Le sondage est ouvert depuis { $opened-precision ->
        [day] le { $opened }
       *[month] { $opened }
    } et se clôture le { $closes }.
facts-period-open =
    Le sondage est ouvert depuis { $opened-precision ->
        [day] le { $opened }
       *[month] { $opened }
    }, sans date de clôture.
facts-one-vote = Un vote par lecteur : lors de votre premier vote, votre navigateur reçoit un code aléatoire dans un cookie, et un seul vote par code compte pour chaque sondage. Qui efface le cookie ou utilise un autre navigateur peut voter à nouveau. Nous ne conservons aucune adresse IP ni aucune autre donnée vous concernant.
facts-privacy-link = Ce que nous conservons et combien de temps
facts-participation = { $percent } des lecteurs qui ont vu la question ont voté.
facts-clarified = La question ou une réponse a été précisée après le début du sondage.
facts-voided =
    { $votes } d’un pic inhabituel { $when } { $n ->
        [one] n’a pas été compté.
       *[other] n’ont pas été comptés.
    }
facts-voided-at = le { $moment }
facts-voided-between = le { $day } entre { $from } et { $until }
facts-voided-from-to = du { $from } au { $until }
facts-counted-at = Chiffres mis à jour le

## The embed

embed-title = Sondage des lecteurs : { $question } | Stembus
frame-title = Sondage des lecteurs : { $question }
embed-source-article = Avec l’article
embed-source-article-site = sur Stembus
embed-source-site = Un sondage des lecteurs de

## Articles and the front page

article-oembed-title = Sondage des lecteurs : { $title }
article-byline = Par
article-published =
    { $precision ->
        [day] Publié le
       *[month] Publié en
    }
article-updated =
    { $precision ->
        [day] Mis à jour le
       *[month] Mis à jour en
    }
article-reading-time = { $minutes } min de lecture
article-source = Source :
share-label = Partager l’article
share-title = Partager
related-title = À lire aussi
front-title = Dernières nouvelles
front-page-title = Stembus | L’actualité et les sondages des lecteurs
front-description = Les dernières nouvelles, avec un sondage des lecteurs pour chaque article : donnez votre avis et voyez aussitôt ce que pensent les autres lecteurs.
teaser-poll-open = · Sondage ouvert
teaser-poll-not-yet-open = · Sondage bientôt ouvert
teaser-poll-closed = · Sondage clos

## A vote not taken, and other refusals

vote-refused-title = Votre vote n’a pas été enregistré
back-to-poll = Retour au sondage
busy-page-title = Un instant
busy-title = Il y a beaucoup de monde
busy-text = Le site ne peut pas accueillir autant de lecteurs à la fois pour le moment. Réessayez dans quelques secondes.
live-full = Trop de lecteurs suivent les résultats en direct ; les chiffres affichés restent en place.
live-too-fast = Trop de lecteurs ouvrent les résultats en direct en même temps ; les chiffres affichés restent en place.
live-hidden = Les résultats provisoires de ce sondage ne vous sont pas (encore) visibles.
live-unavailable = Les chiffres de ce sondage ne peuvent pas être affichés pour le moment.
restarting = Le site redémarre.
error-not-found = Cette page n’existe pas (ou plus).
error-unknown-poll = Ce sondage n’existe pas.
error-invalid-choice = Choisissez une des réponses du sondage.
error-too-many-choices = Vous avez choisi plus de réponses que ce sondage n’en permet.
# The same, when the poll is known: how many answers it takes.
error-too-many-choices-at-most =
    { $n ->
        [one] Vous avez choisi plus d’une réponse : ce sondage n’en permet qu’une.
       *[other] Vous avez choisi plus de réponses que ce sondage n’en permet : choisissez-en { $count } au maximum.
    }
error-poll-closed = Ce sondage est clos : il n’est pas (ou plus) possible de voter.
error-poll-archived = Ce sondage est archivé : la rédaction l’a retiré du site.
error-invalid-input = Votre vote n’a pas pu être lu : le formulaire était incomplet ou invalide.
error-payload-too-large = Cette requête est trop grande pour être un vote.
error-cross-site = On ne peut voter que via le sondage sur ce site même.
error-too-many-requests = Trop de votes arrivent en même temps de votre connexion. Patientez un instant et réessayez.
error-unavailable = Le vote est temporairement indisponible. Réessayez dans un instant.
error-busy = Il y a beaucoup de monde : votre vote n’est pas encore compté. Réessayez dans quelques secondes.
error-internal = Un problème est survenu de notre côté. Réessayez plus tard.
error-cookies-blocked = Votre vote n’a pas été compté : votre navigateur ne conserve pas de cookie ici, et sans cookie nous ne pouvons pas vérifier que vous ne votez qu’une fois. Votez dans l’article sur notre site.
error-not-signed-in = Vous n’êtes pas (ou plus) connecté. Connectez-vous à nouveau pour continuer.
error-sign-in-refused = Ce nom et ce mot de passe ne vont pas ensemble.
error-too-many-sign-ins = Trop de connexions échouées. Patientez un quart d’heure et réessayez.
error-form-expired = Ce formulaire a expiré. Rechargez la page et réessayez.
error-form-too-slow = Le formulaire n’est pas arrivé à temps : la connexion était trop lente. Réessayez.
error-foreign-form = Ce formulaire ne venait pas de la page de la rédaction de ce site et a été ignoré.
error-invalid-field = Un champ du formulaire est vide ou invalide. Vérifiez-le et réessayez.
api-unknown-language = Le site ne parle pas cette langue : demandez lang=fr-BE (français) ou lang=nl-BE (néerlandais, aussi sans lang).
api-get-only = Cette adresse n’accepte que GET.
api-post-only = Un vote s’envoie avec POST, depuis le formulaire du sondage.
oembed-too-small = Ce sondage ne tient pas dans un cadre de moins de { $width } sur { $height } pixels.
vote-refused-page-title = Votre vote n’a pas été enregistré – { $title } | Stembus
vote-refused-to-poll = Aller au sondage et à vos réponses

## The standing as a picture

picture-standing-at = Résultats au { $moment }
picture-results-after-vote = Les résultats sont visibles après avoir voté.
picture-more-answers =
    { $n ->
        [one] Et { $count } autre réponse.
       *[other] Et { $count } autres réponses.
    }
picture-alt-answer = « { $answer } »
picture-alt-and = { $first } et { $last }
picture-alt-leading = { $question } { $answer } est en tête avec { $percent }.
picture-alt-tie = { $question } { $answers } sont à égalité, avec { $votes } chacune.
picture-alt-no-votes = { $question } Personne n’a encore voté.
picture-alt-hidden = { $question } Les résultats ne sont pas encore visibles.
