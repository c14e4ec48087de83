//! The desk's log of every change, newest first.

use super::*;
use leptos::prelude::*;
use stembus_store::desk::AuditEntry;

/// `/redactie/logboek`: the whole audit log, newest first.
#[component]
pub fn AuditPage(frame: Frame, entries: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <DeskFrame frame title="Logboek".to_string()>
            <h1>"Logboek"</h1>
            <p>"Elke aanmelding en elke handeling van de redactie, de nieuwste eerst."</p>
            <AuditTable entries caption="Het logboek van de redactie".to_string() with_poll=true />
        </DeskFrame>
    }
}
