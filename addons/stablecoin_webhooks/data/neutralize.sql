-- A copied database (test, staging) never sends webhooks to the original's receivers: the
-- endpoints are disabled (reactivate them, after checking their URL, to send from the copy)
-- and nothing queued is sent.
UPDATE stablecoin_webhook_endpoint
   SET active = FALSE,
       disabled_reason = 'Disabled in this neutralized copy of the database.';
-- Nor can it sign as the original: the receivers trust the original's secrets, so each
-- endpoint gets a new random one (32 bytes of two random UUIDs, 244 random bits) and the
-- previous one is forgotten. Give the receiver the new secret to send it events from the copy.
UPDATE stablecoin_webhook_endpoint
   SET secret = 'whsec_' || encode(
           decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'),
           'base64'),
       previous_secret = NULL,
       previous_secret_until = NULL;
UPDATE stablecoin_webhook_delivery
   SET state = 'failed',
       next_attempt_at = NULL,
       last_error = 'Not sent from a neutralized copy of the database.'
 WHERE state = 'pending';
