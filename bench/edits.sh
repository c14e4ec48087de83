# The developer's-loop benchmarks' common part, sourced by bench/watch.sh and
# bench/rebuild_profile.sh: the whole run under one time limit, the --edits argument, the throwaway
# clone of HEAD, and the edits both make (a view text in the article page, a server-only text in
# robots.txt, and, for watch.sh, a text in the poll island; for rebuild_profile.sh, a constant in the
# smallest room), so the loop they time and the rebuild they profile are the same edits.
# Before sourcing, the caller sets BENCH_NAME (for messages) and BENCH_HELP_LINES (its header).

# The words of the pages are in Fluent files (crates/messages/locales) since issue 33; a view edit is
# a text written in the view itself: one before the article's lead.
VIEW_FILE=crates/web/src/views/article.rs
VIEW_TEXT='<p class="article-lead">{article.lead}</p>'
SERVER_FILE=crates/web/src/discovery.rs
SERVER_TEXT='"User-agent: *\nAllow: /\n'
# The island is in the shared crate: an edit there is compiled for the browser and the server.
# The island carries no words (its kicker is HTML the server wrote): the edit is an attribute of the
# kicker's element, which the page shows and the hydrated island must match.
ISLAND_FILE=src/poll/card.rs
ISLAND_TEXT='<h2 class="poll-kicker" inner_html=kicker_html></h2>'
# The floor of any server edit: a constant added to the smallest room (stembus-ops), a crate with
# next to nothing to compile, so what cargo takes after it is what every room's edit pays.
ROOM_FILE=crates/ops/src/lib.rs

# Runs the calling script again under `timeout $1` (once; TERM on expiry, which the caller's trap
# turns into its clean-up), with the rest of the arguments.
bounded_run() {
  local limit="$1"; shift
  if [ -z "${BENCH_EDITS_BOUNDED:-}" ]; then
    BENCH_EDITS_BOUNDED=1 exec timeout --kill-after=30s "$limit" bash "$0" "$@"
  fi
}

# Sets EDITS from `--edits N` (default $1), HOT_RELOAD from `--hot-reload` (watch.sh only), or
# prints the caller's header for --help.
parse_edits() {
  EDITS="$1"; shift
  HOT_RELOAD=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --hot-reload)
        if [ "$BENCH_NAME" != watch.sh ]; then
          echo "$BENCH_NAME: --hot-reload is watch.sh's" >&2; exit 2
        fi
        HOT_RELOAD=--hot-reload; shift ;;
      --edits) EDITS="${2:?--edits needs a number}"; shift 2 ;;
      --edits=*) EDITS="${1#--edits=}"; shift ;;
      -h|--help) sed -n "$BENCH_HELP_LINES" "$0"; exit 0 ;;
      *) echo "$BENCH_NAME: unknown argument: $1 (usage: bench/$BENCH_NAME [--edits N])" >&2; exit 2 ;;
    esac
  done
  case "$EDITS" in
    ''|*[!0-9]*|0) echo "$BENCH_NAME: --edits wants a positive number, not '$EDITS'" >&2; exit 2 ;;
  esac
}

# Whether the texts the edits replace are still in the current folder's files (exit 1 and says
# which is gone): scripts/lint.sh asks at every commit, as a benchmark run only now and then would
# otherwise find out the day it is needed.
edit_anchors_present() {
  if ! grep -qF "$VIEW_TEXT" "$VIEW_FILE"; then
    echo "$BENCH_NAME: $VIEW_FILE no longer has $VIEW_TEXT: update VIEW_TEXT in bench/edits.sh" >&2
    return 1
  fi
  if ! grep -qF "$SERVER_TEXT" "$SERVER_FILE"; then
    echo "$BENCH_NAME: $SERVER_FILE no longer has the robots body: update SERVER_TEXT in bench/edits.sh" >&2
    return 1
  fi
  if ! grep -qF "$ISLAND_TEXT" "$ISLAND_FILE"; then
    echo "$BENCH_NAME: $ISLAND_FILE no longer has $ISLAND_TEXT: update ISLAND_TEXT in bench/edits.sh" >&2
    return 1
  fi
}

# Clones HEAD of the repository this script is in to $1/stembus and enters it; sets `commit` and
# keeps the edited files' text, refusing to start if the edited texts are gone.
clone_head() {
  local repo
  repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
  commit="$(git -C "$repo" rev-parse --short HEAD)"
  git clone --quiet --no-hardlinks "$repo" "$1/stembus"
  cd "$1/stembus" || exit 1
  git checkout --quiet "$commit"
  edit_anchors_present || exit 1
  IFS= read -rd '' view_orig < "$VIEW_FILE" || true
  IFS= read -rd '' server_orig < "$SERVER_FILE" || true
  IFS= read -rd '' island_orig < "$ISLAND_FILE" || true
  IFS= read -rd '' room_orig < "$ROOM_FILE" || true
}

# Writes an edit of kind $1 that puts the unique marker $2 in the page (view), robots.txt (server),
# the poll island's kicker (island) or a constant of the smallest room (room).
write_edit() {
  if [ "$1" = view ]; then
    local lead="<p class=\"article-lead\">\"$2 \"{article.lead}</p>"
    printf '%s' "${view_orig/"$VIEW_TEXT"/"$lead"}" > "$VIEW_FILE"
  elif [ "$1" = room ]; then
    printf '%s\npub const EDIT_MARKER: &str = "%s";\n' "$room_orig" "$2" > "$ROOM_FILE"
  elif [ "$1" = island ]; then
    printf '%s' "${island_orig/"$ISLAND_TEXT"/<h2 class=\"poll-kicker\" data-edit=\"$2\" inner_html=kicker_html></h2>}" > "$ISLAND_FILE"
  else
    printf '%s' "${server_orig/"$SERVER_TEXT"/\"# $2\\n${SERVER_TEXT#\"}}" > "$SERVER_FILE"
  fi
}
