# Sourced by the CI scripts: `phase NAME COMMAND...` runs COMMAND, prints how long it
# took and appends the figure to target/ci-phases.tsv, which `phase_table` prints as a
# Markdown table. The command's exit status is returned as it was.
mkdir -p target
phase() {
  local name=$1
  shift
  local start=$EPOCHREALTIME status=0
  echo "ci: >>> $name"
  "$@" || status=$?
  local secs
  secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  printf '%s\t%s\t%s\n' "$name" "$secs" "$status" >> target/ci-phases.tsv
  echo "ci: <<< $name: ${secs} s (exit $status)"
  return "$status"
}

# The phases run so far, with the total.
phase_table() {
  echo
  echo "| phase | seconds | exit |"
  echo "| --- | ---: | ---: |"
  awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $3; t += $2 }
              END { printf "| **all phases** | **%.1f** (%.1f min) | |\n", t, t / 60 }' target/ci-phases.tsv
  echo
}
