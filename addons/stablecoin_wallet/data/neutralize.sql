-- A copied database (test, staging) must not watch the production chain with the production
-- node's API key: RPC endpoints are cleared (the watcher then skips every network).
UPDATE stablecoin_network
   SET rpc_url = NULL;
-- Nor screen addresses with the production screening provider's API key.
DELETE FROM ir_config_parameter
 WHERE key = 'stablecoin_wallet.chainalysis_api_key';
