-- A copied database (test, staging) must not pay gas with the production gas payer.
UPDATE payment_provider
   SET stablecoin_gas_payer_key = NULL,
       stablecoin_gas_payer_address = NULL;
