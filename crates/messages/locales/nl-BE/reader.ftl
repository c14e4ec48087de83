# What readers read on Dutch pages and in the Dutch card. Every message here has its French
# twin in ../fr-BE/reader.ftl under the same id (a test holds the two files to one list).
# $count is a number as the language writes it ("1.234"); $n the same number, for the plural.
# A date's $…-precision is `day` or `month`, for languages whose preposition depends on it.

## The site's frame

site-name = Stembus
feed-subtitle = Nieuws met een lezerspoll bij elk artikel.
site-tagline = Nieuws, en wat u ervan denkt
site-skip-link = Naar de inhoud
site-footer = Stembus · een nieuwssite met lezerspolls · geen trackers, geen advertenties ·
site-footer-privacy = Privacy
page-title = { $title } | Stembus
not-found-title = Pagina niet gevonden
error-title = Er ging iets mis
back-to-front-page = Naar de voorpagina

## Numbers and dates

percent = { $value }%
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december
date-day = { $day } { $month } { $year }
date-month = { $month } { $year }
date-day-month = { $day } { $month }
date-with-time = { $date } om { $clock } uur
clock = { $hour }.{ $minute }
# A time in the hour the clock shows twice on the last Sunday of October, and which of the two.
time-in-season = { $time } ({ $season })
time-summer = zomertijd
time-winter = wintertijd

## The poll card

poll-kicker = Lezerspoll
poll-submit = Stem
poll-max-choices = Kies maximaal { $count } antwoorden.
poll-unavailable = De cijfers van deze poll kunnen nu niet getoond worden. Probeer het straks opnieuw.
poll-standing-title = Tussenstand
poll-closed = Deze poll is gesloten.
poll-results-later = De uitslag verschijnt wanneer de poll sluit.
poll-results-later-on = De uitslag verschijnt wanneer de poll sluit, op { $closes }.
poll-own-vote = Uw stem:
poll-own-vote-change = . Uw stem is geregistreerd —
poll-change-link = wijzigen
poll-own-vote-thanks = . Dank u om mee te stemmen.
poll-own-badge = Uw stem
poll-figures = { $percent } · { $votes }
poll-votes =
    { $n ->
        [one] { $count } stem
       *[other] { $count } stemmen
    }
poll-voters =
    { $n ->
        [0] Nog niemand stemde.
        [one] { $count } lezer stemde.
       *[other] { $count } lezers stemden.
    }
poll-opens-on = Deze poll opent op { $opens }.
vote-registered = Uw stem is geregistreerd.
vote-registered-for = Uw stem voor “{ $answers }” is geregistreerd.
vote-answers-separator = { "”, “" }
vote-first-stands = U had al gestemd: uw eerste stem, voor “{ $answers }”, blijft staan.
vote-retrying = Het is erg druk; we proberen uw stem opnieuw te versturen…

## The transparency box

facts-title = Over deze poll
facts-not-representative = Deze poll is niet representatief: alleen lezers die zelf kiezen om mee te doen stemmen, en zij vormen geen steekproef van de bevolking.
facts-voters =
    { $n ->
        [one] Tot nu toe stemde { $count } lezer.
       *[other] Tot nu toe stemden { $count } lezers.
    }
facts-voters-closed =
    { $n ->
        [one] In totaal stemde { $count } lezer.
       *[other] In totaal stemden { $count } lezers.
    }
facts-voters-unavailable = Hoeveel lezers stemden, kan nu even niet getoond worden.
facts-period-not-yet-open = De poll opent op { $opened }.
facts-period-ran = De poll liep van { $opened } tot { $closes }.
facts-period-closes = De poll is open sinds { $opened } en sluit op { $closes }.
facts-period-open = De poll is open sinds { $opened }, zonder einddatum.
facts-one-vote = Eén stem per lezer: bij uw eerste stem krijgt uw browser een willekeurige code in een cookie, en per poll telt één stem per code. Wie de cookie wist of een andere browser gebruikt, kan opnieuw stemmen. We bewaren geen IP-adressen en geen andere gegevens over u.
facts-privacy-link = Wat we bewaren en hoe lang
facts-participation = { $percent } van de lezers die de vraag zagen, stemde.
facts-clarified = De vraag of een antwoord werd na de start verduidelijkt.
facts-voided =
    { $votes } uit een ongewone piek { $when } { $n ->
        [one] is
       *[other] zijn
    } niet meegeteld.
facts-voided-at = op { $moment }
facts-voided-between = op { $day } tussen { $from } en { $until } uur
facts-voided-from-to = van { $from } tot { $until }
facts-counted-at = Cijfers bijgewerkt op

## The embed

embed-title = Lezerspoll: { $question } | Stembus
frame-title = Lezerspoll: { $question }
embed-source-article = Bij het artikel
embed-source-article-site = op Stembus
embed-source-site = Een lezerspoll van

## Articles and the front page

article-oembed-title = Lezerspoll: { $title }
article-byline = Door
article-published =
    { $precision ->
        [day] Gepubliceerd op
       *[month] Gepubliceerd in
    }
article-updated =
    { $precision ->
        [day] Bijgewerkt op
       *[month] Bijgewerkt in
    }
article-reading-time = { $minutes } min. lezen
article-source = Bron:
share-label = Artikel delen
share-title = Delen
related-title = Lees ook
front-title = Laatste nieuws
front-page-title = Stembus | Nieuws en lezerspolls
front-description = Het laatste nieuws, met een lezerspoll bij elk artikel: geef uw mening en zie meteen wat andere lezers denken.
teaser-poll-open = · Poll open
teaser-poll-not-yet-open = · Poll opent binnenkort
teaser-poll-closed = · Poll gesloten

## A vote not taken, and other refusals

vote-refused-title = Uw stem is niet geregistreerd
back-to-poll = Terug naar de poll
busy-page-title = Even geduld
busy-title = Het is erg druk
busy-text = Zoveel lezers tegelijk kan de site nu niet aan. Probeer het over enkele seconden opnieuw.
live-full = Te veel lezers volgen nu live; de cijfers op de pagina blijven staan.
live-too-fast = Te veel lezers openen nu tegelijk de live cijfers; de cijfers op de pagina blijven staan.
live-hidden = De tussenstand van deze poll is (nog) niet zichtbaar voor u.
live-unavailable = De cijfers van deze poll kunnen nu niet getoond worden.
restarting = De site start opnieuw op.
error-not-found = Deze pagina bestaat niet (meer).
error-unknown-poll = Deze poll bestaat niet.
error-invalid-choice = Kies een van de antwoorden in de poll.
error-too-many-choices = U koos meer antwoorden dan deze poll toelaat.
# The same, when the poll is known: how many answers it takes.
error-too-many-choices-at-most =
    { $n ->
        [one] U koos meer dan één antwoord: deze poll laat er maar één toe.
       *[other] U koos meer antwoorden dan deze poll toelaat: kies er maximaal { $count }.
    }
error-poll-closed = Deze poll is gesloten: er kan niet (meer) gestemd worden.
error-poll-archived = Deze poll is gearchiveerd: de redactie heeft hem van de site gehaald.
error-invalid-input = Uw stem kon niet gelezen worden: het formulier was onvolledig of ongeldig.
error-payload-too-large = Dit verzoek is te groot om een stem te zijn.
error-cross-site = Stemmen kan alleen via de poll op deze site zelf.
error-too-many-requests = Er komen te veel stemmen tegelijk van uw verbinding. Wacht even en probeer het opnieuw.
error-unavailable = De stemming is tijdelijk niet beschikbaar. Probeer het zo meteen opnieuw.
error-busy = Het is erg druk: uw stem is nog niet geteld. Probeer het over enkele seconden opnieuw.
error-internal = Er ging aan onze kant iets mis. Probeer het later opnieuw.
error-cookies-blocked = Uw stem is niet geteld: uw browser bewaart hier geen cookie, en zonder cookie kunnen we niet nagaan dat u maar één keer stemt. Stem in het artikel op onze site.
error-not-signed-in = U bent niet (meer) aangemeld. Meld u opnieuw aan om verder te werken.
error-sign-in-refused = Die naam en dat wachtwoord horen niet bij elkaar.
error-too-many-sign-ins = Te veel mislukte aanmeldingen. Wacht een kwartier en probeer het dan opnieuw.
error-form-expired = Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.
error-form-too-slow = Het formulier kwam niet op tijd aan: de verbinding was te traag. Probeer het nog eens.
error-foreign-form = Dit formulier kwam niet van de redactiepagina van deze site en is genegeerd.
error-invalid-field = Een veld van het formulier is leeg of ongeldig. Kijk het na en probeer opnieuw.
api-unknown-language = Die taal spreekt de site niet: vraag lang=nl-BE (Nederlands, ook zonder lang) of lang=fr-BE (Frans).
api-get-only = Dit adres neemt alleen GET aan.
api-post-only = Een stem wordt met POST verstuurd, vanuit het formulier van de poll.
oembed-too-small = Deze poll past niet in een kader kleiner dan { $width } bij { $height } pixels.
vote-refused-page-title = Uw stem is niet geregistreerd – { $title } | Stembus
vote-refused-to-poll = Naar de poll en uw antwoorden

## The standing as a picture

picture-standing-at = Stand op { $moment }
picture-results-after-vote = De uitslag is te zien na het stemmen.
picture-more-answers =
    { $n ->
        [one] En nog { $count } ander antwoord.
       *[other] En nog { $count } andere antwoorden.
    }
picture-alt-answer = “{ $answer }”
picture-alt-and = { $first } en { $last }
picture-alt-leading = { $question } { $answer } leidt met { $percent }.
picture-alt-tie = { $question } { $answers } staan gelijk, met elk { $votes }.
picture-alt-no-votes = { $question } Nog niemand stemde.
picture-alt-hidden = { $question } De uitslag is nog niet te zien.
