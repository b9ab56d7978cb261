-- A copied database never talks to the on-ramps with the original's credentials.
UPDATE payment_provider
   SET stablecoin_bridge_api_key = NULL,
       stablecoin_bridge_customer_id = NULL,
       stablecoin_bridge_webhook_key = NULL,
       stablecoin_stripe_secret_key = NULL,
       stablecoin_stripe_webhook_secret = NULL;
UPDATE payment_provider
   SET state = 'disabled'
 WHERE code IN ('stablecoin_bridge', 'stablecoin_stripe');
