-- A payment row belongs to the user who owns its account: one composite foreign key
-- (tradeline_id, user_id) → usertradelinedata (id, user_id) instead of two separate keys.
-- Why: with two keys a payment row could name one user and another user's account, and the AI
-- reads payments by user_id; now the database refuses such a row. It is also one foreign-key check
-- per payment row instead of two (a first contact's generated report has ~35 payment rows: issue 8
-- measured the checks as most of the database's cost of a new number).
-- The users key is implied: the account's own key already points at users, with ON DELETE CASCADE.
ALTER TABLE usertradelinedata ADD CONSTRAINT usertradelinedata_id_user_key UNIQUE (id, user_id);

ALTER TABLE userpaymenthistory
  DROP CONSTRAINT userpaymenthistory_user_id_fkey,
  DROP CONSTRAINT userpaymenthistory_tradeline_id_fkey,
  ADD CONSTRAINT userpaymenthistory_account_owner_fkey FOREIGN KEY (tradeline_id, user_id)
    REFERENCES usertradelinedata (id, user_id) ON DELETE CASCADE;
