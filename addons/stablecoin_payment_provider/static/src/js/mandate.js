/** @odoo-module **/
// "Save for automatic payments": the browser wallet signs the mandate's terms the server
// proposes (EIP-712), the server checks and keeps them, then the wallet approves the mandate
// contract for the mandate's total. Nothing is approved unless the server kept the mandate.

import publicWidget from "@web/legacy/js/public/public_widget";
import { _t } from "@web/core/l10n/translation";

const APPROVE_SELECTOR = "095ea7b3"; // approve(address,uint256)

export function encodeApprove(spender, amount) {
    const to = spender.toLowerCase().replace(/^0x/, "").padStart(64, "0");
    const value = BigInt(amount).toString(16).padStart(64, "0");
    return "0x" + APPROVE_SELECTOR + to + value;
}

publicWidget.registry.StablecoinMandate = publicWidget.Widget.extend({
    selector: ".o_stablecoin_mandate",
    events: { "click .o_stablecoin_mandate_button": "_onSign" },

    start() {
        this.el.dataset.ready = "1";
        return this._super(...arguments);
    },

    _setStatus(message, isError = false) {
        const status = this.el.querySelector(".o_stablecoin_mandate_status");
        status.textContent = message;
        status.classList.toggle("text-danger", isError);
    },

    async _post(url, fields) {
        const body = new URLSearchParams({
            ...fields,
            access_token: this.el.dataset.accessToken || "",
            csrf_token: odoo.csrf_token || "",
        });
        const response = await fetch(url, {
            method: "POST",
            body,
            headers: { Accept: "application/json" },
            credentials: "same-origin",
        });
        const answer = await response.json();
        if (!answer.ok) {
            throw new Error(answer.message || _t("The server refused."));
        }
        return answer;
    },

    async _onSign(ev) {
        const button = ev.currentTarget;
        const provider = window.ethereum;
        if (!provider || typeof provider.request !== "function") {
            this._setStatus(_t("No browser wallet found: automatic payments need one."), true);
            return;
        }
        button.disabled = true;
        try {
            this._setStatus(_t("Confirm in your wallet..."));
            const accounts = await provider.request({ method: "eth_requestAccounts" });
            if (!accounts || !accounts.length) {
                throw new Error(_t("The wallet shared no account."));
            }
            const payer = accounts[0];
            const proposal = await this._post(this.el.dataset.termsUrl, {
                payer,
                max_per_charge: this.el.querySelector("[name=max_per_charge]").value,
                months: this.el.querySelector("[name=months]").value,
            });
            const chainHex = "0x" + BigInt(proposal.chainId).toString(16);
            const current = await provider.request({ method: "eth_chainId" });
            if (String(current).toLowerCase() !== chainHex) {
                await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: chainHex }] });
            }
            const signature = await provider.request({
                method: "eth_signTypedData_v4",
                params: [payer, JSON.stringify(proposal.typedData)],
            });
            const saved = await this._post(this.el.dataset.saveUrl, {
                message: JSON.stringify(proposal.typedData.message),
                signature,
            });
            this.el.dataset.saved = "1";
            this._setStatus(_t("Mandate saved. Now approve the mandate contract in your wallet..."));
            try {
                const txHash = await provider.request({
                    method: "eth_sendTransaction",
                    params: [{ from: payer, to: proposal.token, data: encodeApprove(proposal.contract, proposal.approve) }],
                });
                this.el.dataset.approveTx = txHash;
                this._setStatus(saved.message);
            } catch (error) {
                // Kept, but nothing can be charged until the wallet approves the contract (the
                // notices before the due date say so too).
                this._setStatus(
                    _t("Mandate saved, but the contract was not approved: approve it from your wallet before the due date (%s).", (error && error.message) || error),
                    true
                );
            }
        } catch (error) {
            button.disabled = false;
            this._setStatus(_t("Automatic payments were not set up: %s", (error && error.message) || error), true);
        }
    },
});
