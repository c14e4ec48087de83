//! Privacy over time: a ballot keeps its voter id only while it stops a second vote. An hourly task
//! removes the ids of the ballots of every poll in the database that closed more than
//! `voter_retention_days` ago (by the closing moment readers are shown, the desk's when it set one):
//! served, archived, or no longer in any content file (an article removed, a poll renamed), whose
//! ballots stay and whose ids must go all the same. The ballots, their answers and the counts stay.

use crate::state::AppState;
use std::time::Duration;

/// How often the task looks for polls whose ids may go.
pub const CHECK_EVERY: Duration = Duration::from_secs(60 * 60);

/// The name the audit log gives the site itself for what no editor did.
pub const SITE_ITSELF: &str = "stembus";

/// Removes the voter ids of every poll in the database that closed `voter_retention_days` or more
/// ago, by the state's clock, and returns how many ids went. A poll whose ids could not be removed
/// is logged and tried again at the next pass.
pub async fn forget_old_voters(state: &AppState) -> u64 {
    let now = state.now();
    let closed_before = now - i64::from(state.settings.voter_retention_days) * 86_400;
    let polls = match state
        .store
        .polls_with_voter_ids_closed_before(closed_before)
        .await
    {
        Ok(polls) => polls,
        Err(error) => {
            tracing::warn!(
                ?error,
                "the polls whose voter ids may go could not be read; trying again later"
            );
            return 0;
        }
    };
    let mut removed = 0;
    for poll_id in polls {
        match state
            .store
            .forget_voters(&poll_id, closed_before, now, SITE_ITSELF, detail)
            .await
        {
            Ok(0) => {}
            Ok(count) => {
                // Nor are they kept in memory beside the answers.
                state.own_answers.forget_poll(&poll_id);
                tracing::info!(poll = %poll_id, count, "removed the voter ids of a closed poll");
                removed += count;
            }
            Err(error) => {
                tracing::warn!(poll = %poll_id, ?error, "voter ids could not be removed; trying again later");
            }
        }
    }
    removed
}

/// The audit log's detail: how many ballots lost their id.
fn detail(removed: u64) -> String {
    match removed {
        1 => "De kiezerscode van 1 stem is verwijderd; de stem blijft meegeteld.".to_string(),
        n => format!(
            "De kiezerscodes van {n} stemmen zijn verwijderd; de stemmen blijven meegeteld."
        ),
    }
}

/// Runs `forget_old_voters` now and then every `every`, until the task is aborted.
pub fn spawn(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            forget_old_voters(&state).await;
        }
    })
}
