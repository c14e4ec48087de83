# The wrk rounds bench/run.sh and bench/standing_picture.sh share, sourced by both: `measure` runs
# wrk on core 1 against one address; the callers gather its lines per run in the associative array
# `results`, and `median`, `row` and `ratio` print the figures. The caller sets `work` (a temp dir),
# CONNECTIONS and SECONDS_PER_RUN.

# Runs wrk on core 1 and prints "requests/s p50_ms p99_ms".
measure() {
  local url=$1
  shift
  taskset -c 1 wrk -t1 -c4 -d1s "$@" "$url" >/dev/null
  taskset -c 1 wrk -t1 -c$CONNECTIONS -d"${SECONDS_PER_RUN}s" --latency "$@" "$url" >"$work/wrk.txt"
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx/ { bad = $NF }
    END { if (bad) print "non-2xx responses: " bad > "/dev/stderr"; printf "%.0f %.2f %.2f\n", rps, p50, p99 }
  ' "$work/wrk.txt"
}

median() { # column $2 of the lines in $1
  printf '%s' "$1" | awk -v c="$2" 'NF { print $c }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
row() {
  printf '%-44s %10s %9s %9s\n' "$1" "$(median "${results[$2]}" 1)" "$(median "${results[$2]}" 2)" "$(median "${results[$2]}" 3)"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
