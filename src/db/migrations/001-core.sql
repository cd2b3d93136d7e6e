-- Users and the three credit tables the AI reads (SLIK OJK style; see docs/data-model.md),
-- plus the conversation history both channels share.

CREATE TABLE users (
  id             text PRIMARY KEY,                 -- whatsapp_62812345678 | google_<sub> | demo_<name>
  channel        text NOT NULL CHECK (channel IN ('whatsapp', 'web')),
  display_name   text,
  phone          text,                             -- digits only, WhatsApp users with a phone
  wa_user_id     text,                             -- Meta business-scoped user id (BSUID), when known
  email          text,
  google_sub     text UNIQUE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_phone_key ON users (phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX users_wa_user_id_key ON users (wa_user_id) WHERE wa_user_id IS NOT NULL;

-- One row per user: the headline of their credit report.
CREATE TABLE usercreditinsights (
  user_id                 text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  credit_score            integer CHECK (credit_score BETWEEN 250 AND 900),
  score_band              text,                    -- e.g. 'Sangat Baik', 'Baik', 'Cukup', 'Kurang', 'Buruk'
  score_provider          text,                    -- bureau or scoring model, e.g. 'Pefindo Biro Kredit'
  utilization_pct         numeric(6, 2),           -- total outstanding on revolving lines / their limits
  total_credit_limit      numeric(18, 2) NOT NULL DEFAULT 0,   -- IDR
  total_outstanding       numeric(18, 2) NOT NULL DEFAULT 0,   -- IDR
  total_monthly_installment numeric(18, 2) NOT NULL DEFAULT 0, -- IDR
  open_accounts           integer NOT NULL DEFAULT 0,
  closed_accounts         integer NOT NULL DEFAULT 0,
  delinquent_accounts     integer NOT NULL DEFAULT 0,          -- open accounts with collectibility >= 2
  worst_collectibility    smallint CHECK (worst_collectibility BETWEEN 1 AND 5),
  inquiries_last_6m       integer NOT NULL DEFAULT 0,           -- hard inquiries (permintaan SLIK) in 6 months
  oldest_account_opened   date,
  report_date             date NOT NULL DEFAULT CURRENT_DATE,
  is_dummy                boolean NOT NULL DEFAULT false,       -- generated on first contact, not a real report
  last_updated            timestamptz NOT NULL DEFAULT now()
);

-- One row per account (fasilitas) on the report.
CREATE TABLE usertradelinedata (
  id                  bigserial PRIMARY KEY,
  user_id             text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  lender_name         text NOT NULL,
  lender_type         text NOT NULL CHECK (lender_type IN ('bank', 'multifinance', 'p2p_lending', 'paylater', 'cooperative', 'other')),
  facility_type       text NOT NULL CHECK (facility_type IN ('credit_card', 'kpr', 'kta', 'kkb', 'paylater', 'multiguna', 'modal_kerja', 'other')),
  account_ref         text NOT NULL,               -- masked account number, e.g. '****4821'
  credit_limit        numeric(18, 2) NOT NULL DEFAULT 0,      -- plafon (IDR)
  outstanding_balance numeric(18, 2) NOT NULL DEFAULT 0,      -- baki debet (IDR)
  monthly_installment numeric(18, 2) NOT NULL DEFAULT 0,
  interest_rate_pct   numeric(6, 2),
  tenor_months        integer,
  opened_date         date NOT NULL,
  maturity_date       date,
  closed_date         date,
  status              text NOT NULL CHECK (status IN ('active', 'closed', 'restructured', 'written_off')),
  collectibility      smallint NOT NULL DEFAULT 1 CHECK (collectibility BETWEEN 1 AND 5), -- kolektibilitas OJK
  days_past_due       integer NOT NULL DEFAULT 0,
  currency            text NOT NULL DEFAULT 'IDR',
  last_updated        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usertradelinedata_user_idx ON usertradelinedata (user_id);

-- One row per account per month.
CREATE TABLE userpaymenthistory (
  id              bigserial PRIMARY KEY,
  user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tradeline_id    bigint NOT NULL REFERENCES usertradelinedata (id) ON DELETE CASCADE,
  period_month    date NOT NULL,                   -- first day of the reported month
  amount_due      numeric(18, 2) NOT NULL DEFAULT 0,
  amount_paid     numeric(18, 2) NOT NULL DEFAULT 0,
  days_past_due   integer NOT NULL DEFAULT 0,
  collectibility  smallint NOT NULL DEFAULT 1 CHECK (collectibility BETWEEN 1 AND 5),
  payment_status  text NOT NULL CHECK (payment_status IN ('on_time', 'late', 'missed', 'no_payment_due', 'paid_off')),
  UNIQUE (tradeline_id, period_month)
);
CREATE INDEX userpaymenthistory_user_idx ON userpaymenthistory (user_id, period_month DESC);

-- What the AI sees as "the conversation so far", for both channels. The chat log (analytics,
-- possibly in Supabase, possibly switched off) is separate on purpose: replies must not depend on it.
CREATE TABLE conversation_messages (
  id          bigserial PRIMARY KEY,
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  channel     text NOT NULL CHECK (channel IN ('whatsapp', 'web')),
  role        text NOT NULL CHECK (role IN ('user', 'assistant')),
  content     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_messages_user_idx ON conversation_messages (user_id, id DESC);
