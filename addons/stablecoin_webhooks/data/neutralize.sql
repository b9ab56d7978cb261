-- A copied database (test, staging) never sends webhooks to the original's receivers: the
-- endpoints are disabled (reactivate them, after checking their URL, to send from the copy)
-- and nothing queued is sent.
UPDATE stablecoin_webhook_endpoint
   SET active = FALSE,
       disabled_reason = 'Disabled in this neutralized copy of the database.';
UPDATE stablecoin_webhook_delivery
   SET state = 'failed',
       next_attempt_at = NULL,
       last_error = 'Not sent from a neutralized copy of the database.'
 WHERE state = 'pending';
