#!/bin/bash
# What one operator-console inbox poll costs in PostgreSQL, before and after migration 120
# (conversation_summaries + the covering index): EXPLAIN (ANALYZE, BUFFERS) of the old query
# (latest message per person by DISTINCT ON over all of conversation_messages) and of the current
# repository query, unfiltered and filtered by state, on synthetic data.
#   bash bench/operator-inbox-explain.sh [people=2000] [messages per person=25]
# Needs psql and a PostgreSQL server (PGURL, default postgres://postgres@127.0.0.1:5432); creates
# and drops the database aicw_inbox_explain. Migrations after 120 are applied before it (the
# "before" state): fine while none of them depends on 120.
set -e
U=${1:-2000}; M=${2:-25}; DB=aicw_inbox_explain; BASE=${PGURL:-postgres://postgres@127.0.0.1:5432}
cd "$(dirname "$0")/.."
P="psql -q -X -v ON_ERROR_STOP=1"
$P "$BASE/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" 2>/dev/null
for f in src/db/migrations/*.sql; do case $f in *120-*) ;; *) $P "$BASE/$DB" -f "$f" >/dev/null;; esac; done
$P "$BASE/$DB" <<SQL
INSERT INTO users (id, channel, display_name, phone) SELECT 'whatsapp_62812' || lpad(i::text, 7, '0'), 'whatsapp', 'Nasabah ' || i, '62812' || lpad(i::text, 7, '0') FROM generate_series(1, $U) i;
INSERT INTO conversation_messages (user_id, channel, role, content, created_at)
SELECT 'whatsapp_62812' || lpad((1 + (j % $U))::text, 7, '0'), 'whatsapp', CASE WHEN j % 2 = 0 THEN 'user' ELSE 'assistant' END,
       'pesan nomor ' || j || ' tentang skor kredit dan SLIK OJK', now() - interval '1 second' * ($U * $M - j)
FROM generate_series(1, $U * $M) j;
INSERT INTO operator_conversations (user_id, state, last_read_at) SELECT id, CASE WHEN random() < 0.05 THEN 'needs_human' ELSE 'ai' END, now() - interval '1 hour' FROM users;
VACUUM ANALYZE;
SQL
OLD="WITH last AS (SELECT DISTINCT ON (user_id) user_id, channel, role, content, created_at FROM conversation_messages ORDER BY user_id, id DESC)
SELECT l.user_id, u.display_name, COALESCE(u.phone, c.wa_recipient) AS phone, l.channel, l.role, l.content, l.created_at, c.state, c.operator, c.wa_recipient,
 (SELECT count(*)::int FROM conversation_messages m WHERE m.user_id = l.user_id AND m.role = 'user' AND m.created_at > COALESCE(c.last_read_at, '-infinity'::timestamptz)) AS unread
FROM last l LEFT JOIN users u ON u.id = l.user_id LEFT JOIN operator_conversations c ON c.user_id = l.user_id
WHERE (\$1::text IS NULL OR COALESCE(c.state, 'ai') = \$1) AND (\$2::text IS NULL OR l.user_id ILIKE '%' || \$2 || '%' OR u.display_name ILIKE '%' || \$2 || '%' OR (\$3 <> '' AND COALESCE(u.phone, c.wa_recipient, '') LIKE '%' || \$3 || '%'))
ORDER BY l.created_at DESC LIMIT \$4"
NEW=$(node -e "const s=require('fs').readFileSync('src/operator/operator-repository.ts','utf8');const k='db.query<InboxRow>(\`';const q=s.slice(s.indexOf(k)+k.length);console.log(q.slice(0,q.indexOf('\`')))")
run() {
  for args in "NULL::text, NULL::text, '', 200" "'needs_human', NULL::text, '', 200"; do
    # The second EXPLAIN is the one shown: a warm cache, as for a console polling every 3 s.
    plan=$($P "$BASE/$DB" -c "PREPARE q(text, text, text, int) AS $2" -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE q($args)" -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE q($args)")
    plan=${plan#*Execution Time*QUERY PLAN}
    printf '%-7s state=%-14s %s; %s; conversation_messages rows read by the main scan: %s\n' "$1" "${args%%,*}" \
      "$(grep -m1 -oE 'Buffers: shared hit=[0-9]+( read=[0-9]+)?' <<<"$plan")" "$(grep -oE 'Execution Time: [0-9.]+ ms' <<<"$plan")" \
      "$(grep -E 'Scan.* on conversation_messages( l)? ' <<<"$plan" | grep -oE 'actual rows=[0-9]+' | head -1)"
  done
}
echo "$U people, $((U * M)) messages"
run before "$OLD"
$P "$BASE/$DB" -f src/db/migrations/120-operator-thread.sql >/dev/null
$P "$BASE/$DB" -c "VACUUM ANALYZE" >/dev/null
run after "$NEW"
$P "$BASE/postgres" -c "DROP DATABASE $DB"
