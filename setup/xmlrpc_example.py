"""The running demo through Odoo's standard XML-RPC API: the stablecoin invoices, their status
and what each asks, as any integration would read them.

Usage: python3 setup/xmlrpc_example.py [URL] [DB] [LOGIN] [PASSWORD]
(defaults: http://127.0.0.1:8069 scoin_demo admin admin). Standard library only.
"""

import sys
import xmlrpc.client


def main(argv):
    url, db, login, password = (
        argv + ["http://127.0.0.1:8069", "scoin_demo", "admin", "admin"][len(argv) :]
    )[:4]
    uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(db, login, password, {})
    if not uid:
        print(f"{login} cannot log in to {db} at {url}")
        return 1
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    invoices = models.execute_kw(
        db,
        uid,
        password,
        "account.move",
        "search_read",
        [[("move_type", "=", "out_invoice"), ("stablecoin_payment_status", "!=", False)]],
        {
            "fields": [
                "name",
                "partner_id",
                "amount_residual",
                "stablecoin_payment_status",
                "stablecoin_amount_due_text",
                "stablecoin_address",
                "stablecoin_payment_uri",
            ],
            "order": "id desc",
            "limit": 10,
        },
    )
    for inv in invoices:
        print(
            f"{inv['name']:<18} {inv['partner_id'][1]:<24} {inv['stablecoin_payment_status']:<12}"
            f" {inv['stablecoin_amount_due_text'] or '-':<18} {inv['stablecoin_address'] or ''}"
        )
        if inv["stablecoin_payment_uri"]:
            print(f"{'':<18} {inv['stablecoin_payment_uri']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
