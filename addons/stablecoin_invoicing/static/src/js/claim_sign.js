/** @odoo-module **/
// "Already paid?" on an address other invoices share: the payer signs the claim with the
// wallet that sent the payment (EIP-191 personal_sign: nothing is sent, no fee), and the server
// checks that the signer is the transaction's sender. Without a browser wallet the button stays
// hidden and the claim goes to the accountant.

import publicWidget from "@web/legacy/js/public/public_widget";
import { _t } from "@web/core/l10n/translation";

const TX_HASH = /^(0x)?[0-9a-f]{64}$/;

function toHex(text) {
    return "0x" + Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

publicWidget.registry.StablecoinClaimSign = publicWidget.Widget.extend({
    selector: ".o_stablecoin_claim form",
    events: { "click .o_stablecoin_claim_sign": "_onSign" },

    start() {
        // A wallet extension may inject its provider after the page's scripts ran: it then
        // announces it ("ethereum#initialized", as MetaMask's detect-provider expects).
        this._reveal = () => {
            const button = this.el.querySelector(".o_stablecoin_claim_sign");
            if (button && window.ethereum) {
                button.classList.remove("d-none");
            }
        };
        this._reveal();
        window.addEventListener("ethereum#initialized", this._reveal);
        this.el.dataset.ready = "1";
        return this._super(...arguments);
    },

    destroy() {
        window.removeEventListener("ethereum#initialized", this._reveal);
        this._super(...arguments);
    },

    async _onSign(ev) {
        const button = ev.currentTarget;
        const input = this.el.querySelector("input[name='tx_hash']");
        let txHash = (input.value || "").trim().toLowerCase();
        if (!TX_HASH.test(txHash)) {
            input.reportValidity();
            return;
        }
        if (!txHash.startsWith("0x")) {
            txHash = "0x" + txHash;
        }
        const message = button.dataset.message.replace("{tx}", txHash);
        try {
            const [account] = await window.ethereum.request({ method: "eth_requestAccounts" });
            const signature = await window.ethereum.request({
                method: "personal_sign",
                params: [toHex(message), account],
            });
            this.el.querySelector("input[name='signature']").value = signature;
            this.el.submit();
        } catch {
            button.textContent = _t("Not signed: check without signing, or try again");
        }
    },
});
