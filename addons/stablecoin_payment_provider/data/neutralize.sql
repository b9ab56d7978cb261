-- A copied database never talks to the on-ramp with the original's credentials.
UPDATE payment_provider
   SET stablecoin_bridge_api_key = NULL,
       stablecoin_bridge_customer_id = NULL,
       stablecoin_bridge_webhook_key = NULL,
       stablecoin_wire_enabled = FALSE,
       stablecoin_stripe_secret_key = NULL,
       stablecoin_stripe_webhook_secret = NULL,
       stablecoin_card_enabled = FALSE;
