-- A copied database (test, staging) must not watch the production chain with the production
-- node's API key: RPC endpoints, the fallback ones included (they may embed a key as well),
-- are cleared (the watcher then skips every network; claims and attestations find no node).
UPDATE stablecoin_network
   SET rpc_url = NULL,
       rpc_fallback_urls = NULL;
-- Nor screen addresses with the production screening provider's API key.
DELETE FROM ir_config_parameter
 WHERE key = 'stablecoin_wallet.chainalysis_api_key';
