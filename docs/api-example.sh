#!/usr/bin/env bash
# A whole 省内转接 over the HTTP API (README, "API"): the branch secretary applies, then every
# organisation on the route does its task — initiate, approve, archive review, receive —
# and the new branch records the report. Needs curl and python3.
#
#   BASE=http://127.0.0.1:5000/api/v1 MEMBER=<member code> TARGET=<target branch code> \
#   APPLICANT=<token of the member's branch secretary> \
#   TOKENS="<token> <token> …"  # of the operators on the route and the target branch's secretary
#   docs/api-example.sh
#
# Tokens are created on the web page "API 令牌" (/account/tokens) by each user.
set -euo pipefail
: "${BASE:?}" "${MEMBER:?}" "${TARGET:?}" "${APPLICANT:?}" "${TOKENS:?}"

call() {  # call TOKEN METHOD PATH [JSON]
  local token=$1 method=$2 path=$3 body=${4:-}
  if [ -n "$body" ]; then
    curl -sS --fail-with-body -X "$method" -H "Authorization: Bearer $token" \
      -H "Content-Type: application/json" -d "$body" "$BASE$path"
  else
    curl -sS --fail-with-body -X "$method" -H "Authorization: Bearer $token" "$BASE$path"
  fi
}
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

branch=$(call "$APPLICANT" GET /me | field 'd["org"]["code"]')
echo "route:"; call "$APPLICANT" GET "/routes/intra?from=$branch&to=$TARGET" | field 'd["approvers"]'
number=$(call "$APPLICANT" POST /cases "{\"kind\": \"intra\", \"member\": \"$MEMBER\",
  \"target_branch\": \"$TARGET\", \"letter\": {\"reason\": \"工作调动\",
  \"contact_phone\": \"0731-88888888\", \"validity_days\": 30,
  \"archive_handling\": \"with_letter\"}}" | field 'd["number"]')
echo "case $number started"

decision() {  # the form data for a task (the forms are in GET /tasks/{id} → form_schema)
  case $1 in
    initiate) echo '{"decision": "initiate"}' ;;
    approve) echo '{"decision": "approve"}' ;;
    archive_review) echo '{"result": "pass", "items_present": ["application", "political_review", "full_member"]}' ;;
    receive) echo "{\"target_branch\": \"$TARGET\", \"record_checked\": true}" ;;
    report) echo "{\"reported_on\": \"$(TZ=Asia/Shanghai date +%F)\"}" ;;
    *) echo "no rule for task $1" >&2; return 1 ;;
  esac
}

for round in $(seq 1 20); do
  status=$(call "$APPLICANT" GET "/cases/$number" | field 'd["status"]')
  echo "round $round: $status"
  [ "$status" = completed ] && exit 0
  for token in $TOKENS; do
    call "$token" GET "/tasks?per_page=100" | field \
      "'\n'.join(f'{t[\"id\"]} {t[\"task\"]}' for t in d['items'] if (t['case'] or {}).get('number') == '$number')" |
    while read -r id spec; do
      [ -z "$id" ] && continue
      call "$token" POST "/tasks/$id/claim" >/dev/null
      call "$token" POST "/tasks/$id/complete" "{\"data\": $(decision "$spec")}" >/dev/null
      echo "  task $id ($spec) done"
    done
  done
done
echo "case $number did not finish" >&2
exit 1
