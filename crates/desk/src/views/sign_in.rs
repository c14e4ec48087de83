//! The sign-in page, with the message of a refused attempt.

use super::notice::error_words;
use leptos::prelude::*;
use leptos_meta::Meta;
use stembus_poll::error::AppError;
use stembus_site::shell::PageTitle;

/// The sign-in form, with the message of a refused attempt.
#[component]
pub fn SignInPage(error: Option<AppError>, name: String, form_token: String) -> impl IntoView {
    view! {
        <PageTitle text="Aanmelden | Redactie Stembus" />
        <Meta name="robots" content="noindex, nofollow" />
        <section class="desk desk-sign-in">
            <h1>"Aanmelden voor de redactie"</h1>
            {error
                .map(|error| {
                    view! {
                        <p class="desk-error" role="alert">
                            {error_words(error)}
                        </p>
                    }
                })}
            <form method="post" action="/redactie/aanmelden">
                <input type="hidden" name="formulier" value=form_token />
                <p>
                    <label for="naam">"Naam"</label>
                    <input
                        id="naam"
                        name="naam"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        value=name
                    />
                </p>
                <p>
                    <label for="wachtwoord">"Wachtwoord"</label>
                    <input
                        id="wachtwoord"
                        name="wachtwoord"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </p>
                <p>
                    <button type="submit">"Aanmelden"</button>
                </p>
            </form>
        </section>
    }
}
