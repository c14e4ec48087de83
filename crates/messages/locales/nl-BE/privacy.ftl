# The privacy page (/privacy), in Dutch; its French twin is ../fr-BE/privacy.ftl (/fr/vie-privee).

privacy-page-title = Privacy | Stembus
privacy-description = Wat Stembus over u bewaart als u stemt in een lezerspoll, waarom en hoe lang.
privacy-title = Wat Stembus over u bewaart
privacy-intro = Stembus bewaart zo weinig mogelijk over wie stemt: net genoeg om één stem per lezer te tellen. Hieronder staat alles, met de termijnen die nu gelden.
privacy-cookie-title = De kiezerscookie
privacy-cookie-named = Wie stemt, krijgt in de browser een cookie met de naam
privacy-cookie-holds = . Die bevat een willekeurige code van 32 tekens en niets anders: geen naam, geen e-mailadres, geen IP-adres. Zonder die code kunnen we een tweede stem uit dezelfde browser niet herkennen; met de code telt per poll één stem per lezer, en ziet u later uw eigen stem terug.
privacy-cookie-kept = De browser bewaart de cookie { $days }, tenzij u hem eerder wist. Wie de cookie wist of een andere browser gebruikt, kan opnieuw stemmen.
privacy-days =
    { $n ->
        [one] { $count } dag
       *[other] { $count } dagen
    }
privacy-vote-title = Uw stem in onze database
privacy-vote-kept = Bij uw stem bewaren we de code uit de cookie, de antwoorden die u koos en het tijdstip. De code is er alleen om een tweede stem te weren.
privacy-removal-at-close = Zodra een poll gesloten is, verwijderen we die codes bij alle stemmen in die poll.
privacy-removal-after = { $days } nadat een poll gesloten is, verwijderen we die codes bij alle stemmen in die poll.
privacy-vote-remains = De stemmen en de uitslag blijven, maar zijn dan aan geen enkele browser meer te koppelen.
privacy-memory = Om u uw eigen stem snel te tonen, houdt de server die ook even in zijn werkgeheugen bij, onder dezelfde code. Ook daar verdwijnt ze uiterlijk samen met de codes in de database.
privacy-flood-title = De bescherming tegen massaal stemmen
privacy-flood-limit = Om te voorkomen dat één toestel een poll overspoelt, mag één internetadres { $burst } kort na elkaar sturen en daarna { $per-minute } per minuut.
privacy-flood-hash = Daarvoor houdt de server in zijn werkgeheugen een hash van uw adres bij, gemaakt met een geheime sleutel, nooit het adres zelf. Elke dag om middernacht (UTC) komt er een nieuwe sleutel en is alles van de vorige dag gewist. Niets daarvan komt in de database of in de logboeken.
privacy-seen-title = Hoe vaak een poll gezien werd
privacy-seen = Om de redactie te tonen hoeveel lezers de vraag zagen, vraagt de pagina een onzichtbaar beeldje van één pixel op zodra de poll in beeld komt. De server telt dan per poll en per uur één keer „gezien” op, en bewaart niets anders: geen cookie, geen code, geen IP-adres. Het is een schatting: wie afbeeldingen blokkeert, wordt niet geteld, en robots worden er alleen uitgehouden zoals bij het stemmen, door dezelfde beperking per internetadres.
privacy-no-ip-title = Geen IP-adressen
privacy-no-ip = We bewaren geen IP-adressen: niet bij uw stem, niet in de database en niet in de logboeken. Er zijn geen trackers en geen advertenties.
privacy-two-sites-title = Stemmen op een andere site
privacy-two-sites = Staat onze poll in een kader op de site van een andere krant, dan krijgt uw browser daar de cookie al wanneer de poll getoond wordt, nog voor u stemt: alleen zo weten we bij uw stem dat uw browser de cookie in het kader bewaart, en een browser die dat niet doet, zou bij elke keer laden opnieuw kunnen stemmen. Het is dezelfde willekeurige code, en niets anders, apart bewaard per site. Wie op twee sites stemt, stemt dus twee keer: beide stemmen tellen in dezelfde uitslag. Op onze eigen site tellen de Nederlandse en de Franse versie van een poll samen: u stemt één keer.
