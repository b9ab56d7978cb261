/** @odoo-module **/
// "Pay with browser wallet": sends the invoice's ERC-20 transfer through the EIP-1193 provider
// the browser exposes (MetaMask, Rabby, Coinbase Wallet...). It only sends: the invoice is
// marked paid by the server once the chain confirms the transfer, never by this page.

import publicWidget from "@web/legacy/js/public/public_widget";
import { _t } from "@web/core/l10n/translation";
import { copyFromButton } from "@stablecoin_invoicing/js/payment_status";

const TRANSFER_SELECTOR = "a9059cbb"; // transfer(address,uint256)

export function encodeTransfer(recipient, amount) {
    const to = recipient.toLowerCase().replace(/^0x/, "").padStart(64, "0");
    const value = BigInt(amount).toString(16).padStart(64, "0");
    return "0x" + TRANSFER_SELECTOR + to + value;
}

publicWidget.registry.StablecoinWalletPay = publicWidget.Widget.extend({
    selector: ".o_stablecoin_wallet_pay",
    events: { "click .o_stablecoin_wallet_button": "_onClickPay" },

    start() {
        this.el.dataset.ready = "1"; // the button works from now on
        return this._super(...arguments);
    },

    _setStatus(message, isError = false) {
        const status = this.el.querySelector(".o_stablecoin_wallet_status");
        status.textContent = message;
        status.classList.toggle("text-danger", isError);
    },

    async _switchChain(provider, chainHex, chainName) {
        const current = await provider.request({ method: "eth_chainId" });
        if (String(current).toLowerCase() === chainHex) {
            return;
        }
        try {
            await provider.request({
                method: "wallet_switchEthereumChain",
                params: [{ chainId: chainHex }],
            });
        } catch (error) {
            if (error && error.code === 4902) {
                throw new Error(
                    _t("Your wallet does not know the network %s yet: add it in the wallet, then try again.", chainName)
                );
            }
            throw error;
        }
    },

    /**
     * Tell the server which transaction paid this invoice: it reads the transaction from the
     * chain itself (this page's word counts for nothing) and binds it to the invoice. Retried
     * while the transaction is not mined yet.
     */
    async _claim(txHash) {
        const data = this.el.dataset;
        if (!data.claimUrl) {
            return;
        }
        const body = new URLSearchParams({
            tx_hash: txHash,
            access_token: data.accessToken || "",
            // The page's token (the card is cached across visitors: it carries none).
            csrf_token: odoo.csrf_token || "",
        });
        for (let attempt = 0; attempt < 8; attempt++) {
            let answer;
            try {
                const response = await fetch(data.claimUrl, {
                    method: "POST",
                    body,
                    headers: { Accept: "application/json" },
                    credentials: "same-origin",
                });
                answer = await response.json();
            } catch {
                answer = { ok: false, retry: true };
            }
            if (answer.ok || !answer.retry) {
                this.el.dataset.claimed = answer.ok ? "1" : "0";
                if (answer.message) {
                    this._setStatus(answer.message, !answer.ok);
                }
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, 4000));
        }
    },

    async _onClickPay(ev) {
        const button = ev.currentTarget;
        const data = this.el.dataset;
        const provider = window.ethereum;
        if (!provider || typeof provider.request !== "function") {
            this._setStatus(_t("No browser wallet found. Scan the QR code with a wallet app instead."), true);
            return;
        }
        button.disabled = true;
        try {
            this._setStatus(_t("Confirm in your wallet..."));
            const accounts = await provider.request({ method: "eth_requestAccounts" });
            if (!accounts || !accounts.length) {
                throw new Error(_t("The wallet shared no account."));
            }
            const chainHex = "0x" + BigInt(data.chainId).toString(16);
            await this._switchChain(provider, chainHex, data.chainName);
            const txHash = await provider.request({
                method: "eth_sendTransaction",
                params: [{ from: accounts[0], to: data.token, data: encodeTransfer(data.recipient, data.amount) }],
            });
            this.el.dataset.txHash = txHash;
            // The page's *Pay Now* and payment card lock at once: a second payment is not one
            // click away while this one is on its way.
            document.dispatchEvent(new CustomEvent("stablecoin:payment-sent", { detail: { txHash } }));
            this._setStatus(
                _t("Payment sent (transaction %s). This invoice shows it as paid once the network confirms it.", txHash)
            );
            await this._claim(txHash);
        } catch (error) {
            button.disabled = false;
            this._setStatus(_t("The wallet did not send the payment: %s", (error && error.message) || error), true);
        }
    },
});

// The stablecoin option of the *Pay Now* dialog shows the page's own payment card (QR code,
// amount, address), copied when the dialog's form starts: the page carries it once. Its
// browser-wallet button hands over to the card's (one sender, one claim, one status).
publicWidget.registry.StablecoinInlineCard = publicWidget.Widget.extend({
    selector: ".o_stablecoin_inline_card",
    events: {
        "click .o_stablecoin_wallet_button": "_onClickPay",
        "click .o_stablecoin_copy": "_onCopy",
    },

    start() {
        const source = document.querySelector("#stablecoin_portal_payment .o_stablecoin_payment");
        // The card says what its QR code holds (an EIP-681 URI, or a bare Tron address).
        const uri = source?.dataset.uri || source?.querySelector(".o_stablecoin_uri")?.getAttribute("href");
        if (source && uri === this.el.dataset.uri) {
            const card = source.cloneNode(true);
            for (const pay of card.querySelectorAll(".o_stablecoin_wallet_pay")) {
                pay.classList.replace("o_stablecoin_wallet_pay", "o_stablecoin_wallet_handover");
                pay.querySelector(".o_stablecoin_wallet_status")?.remove();
            }
            this.el.replaceChildren(card);
        }
        return this._super(...arguments);
    },

    _onClickPay(ev) {
        ev.preventDefault();
        this.el.closest(".modal")?.querySelector(".btn-close")?.click();
        document.querySelector("#stablecoin_portal_payment .o_stablecoin_wallet_button")?.click();
    },

    _onCopy(ev) {
        return copyFromButton(ev.currentTarget);
    },
});
