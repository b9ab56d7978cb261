/** @odoo-module **/
// The transaction a wizard built (a deposit sweep, the factory's deployment), shown with a
// button that hands it to the user's browser wallet (EIP-1193): Odoo holds no key, the user's
// wallet signs and sends it.

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

export class SendTransactionField extends Component {
    static template = "stablecoin_wallet.SendTransactionField";
    static props = { ...standardFieldProps };

    setup() {
        this.notification = useService("notification");
        this.state = useState({ sending: false, txHash: "" });
    }

    get data() {
        return this.props.record.data[this.props.name] || "";
    }

    get hasWallet() {
        return Boolean(window.ethereum);
    }

    async copy() {
        try {
            await navigator.clipboard.writeText(this.data);
            this.notification.add(_t("Copied"), { type: "info" });
        } catch {
            this.notification.add(_t("Select the data and copy it"), { type: "warning" });
        }
    }

    async send() {
        const record = this.props.record.data;
        const provider = window.ethereum;
        this.state.sending = true;
        try {
            const chainId = "0x" + Number(record.chain_id).toString(16);
            if ((await provider.request({ method: "eth_chainId" })) !== chainId) {
                await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
            }
            const [from] = await provider.request({ method: "eth_requestAccounts" });
            this.state.txHash = await provider.request({
                method: "eth_sendTransaction",
                params: [{ from, to: record.tx_to, data: this.data }],
            });
            this.notification.add(_t("Sent: the watcher records it once it is final."), { type: "success" });
        } catch (error) {
            this.notification.add(error?.message || _t("The wallet did not send it."), { type: "danger" });
        } finally {
            this.state.sending = false;
        }
    }
}

registry.category("fields").add("stablecoin_send_transaction", {
    component: SendTransactionField,
    supportedTypes: ["char"],
});
