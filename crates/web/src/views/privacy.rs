//! `/privacy`: what Stembus keeps about a reader and for how long, in plain Dutch, with the figures
//! of the configuration in force.

use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use serde::{Deserialize, Serialize};
use stembus_poll::format_count;
use stembus_site::shell::PageTitle;

pub use stembus_site::shell::PRIVACY_PATH;

/// The figures the privacy page states, read from the running site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyPageData {
    /// The voter cookie's name.
    pub cookie_name: String,
    /// How many days the browser keeps the voter cookie.
    pub cookie_days: u32,
    /// How many days after a poll closes its ballots keep their voter ids.
    pub voter_retention_days: u32,
    /// The rate limit: votes one address may send at once, and how many a minute after that.
    pub vote_burst: u32,
    pub votes_per_minute: u32,
    pub canonical_url: String,
}

/// "1 dag", "30 dagen".
fn days(n: u32) -> String {
    match n {
        1 => "1 dag".to_string(),
        n => format_count(u64::from(n)) + " dagen",
    }
}

/// `/privacy`: the voter cookie, the vote in the database, the rate limit, and no IP addresses.
#[component]
pub fn PrivacyPage(data: PrivacyPageData) -> impl IntoView {
    let PrivacyPageData {
        cookie_name,
        cookie_days,
        voter_retention_days,
        vote_burst,
        votes_per_minute,
        canonical_url,
    } = data;
    let removal = match voter_retention_days {
        0 => "Zodra een poll gesloten is, verwijderen we die codes bij alle stemmen in die poll."
            .to_string(),
        n => format!(
            "{} nadat een poll gesloten is, verwijderen we die codes bij alle stemmen in die poll.",
            days(n)
        ),
    };
    view! {
        <PageTitle text="Privacy | Stembus" />
        <Meta
            name="description"
            content="Wat Stembus over u bewaart als u stemt in een lezerspoll, waarom en hoe lang."
        />
        <Link rel="canonical" href=canonical_url />
        <article class="article privacy">
            <h1 class="article-title">"Wat Stembus over u bewaart"</h1>
            <div class="article-body">
                <p>
                    "Stembus bewaart zo weinig mogelijk over wie stemt: net genoeg om één stem per lezer te tellen. Hieronder staat alles, met de termijnen die nu gelden."
                </p>
                <h2>"De kiezerscookie"</h2>
                <p>
                    "Wie stemt, krijgt in de browser een cookie met de naam "
                    <code>{cookie_name}</code>
                    ". Die bevat een willekeurige code van 32 tekens en niets anders: geen naam, geen e-mailadres, geen IP-adres. Zonder die code kunnen we een tweede stem uit dezelfde browser niet herkennen; met de code telt per poll één stem per lezer, en ziet u later uw eigen stem terug."
                </p>
                <p>
                    {format!(
                        "De browser bewaart de cookie {}, tenzij u hem eerder wist. Wie de cookie wist of een andere browser gebruikt, kan opnieuw stemmen.",
                        days(cookie_days),
                    )}
                </p>
                <h2>"Uw stem in onze database"</h2>
                <p>
                    "Bij uw stem bewaren we de code uit de cookie, de antwoorden die u koos en het tijdstip. De code is er alleen om een tweede stem te weren. "
                    {removal}
                    " De stemmen en de uitslag blijven, maar zijn dan aan geen enkele browser meer te koppelen."
                </p>
                <p>
                    "Om u uw eigen stem snel te tonen, houdt de server die ook even in zijn werkgeheugen bij, onder dezelfde code. Ook daar verdwijnt ze uiterlijk samen met de codes in de database."
                </p>
                <h2>"De bescherming tegen massaal stemmen"</h2>
                <p>
                    {format!(
                        "Om te voorkomen dat één toestel een poll overspoelt, mag één internetadres {} kort na elkaar sturen en daarna {} per minuut.",
                        votes(vote_burst),
                        votes(votes_per_minute),
                    )}
                    " Daarvoor houdt de server in zijn werkgeheugen een hash van uw adres bij, gemaakt met een geheime sleutel, nooit het adres zelf. Elke dag om middernacht (UTC) komt er een nieuwe sleutel en is alles van de vorige dag gewist. Niets daarvan komt in de database of in de logboeken."
                </p>
                <h2>"Geen IP-adressen"</h2>
                <p>
                    "We bewaren geen IP-adressen: niet bij uw stem, niet in de database en niet in de logboeken. Er zijn geen trackers en geen advertenties."
                </p>
            </div>
        </article>
    }
}

/// "1 stem", "60 stemmen".
fn votes(n: u32) -> String {
    stembus_poll::votes_phrase(u64::from(n))
}
