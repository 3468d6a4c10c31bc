import type { Params } from '../http/params.js';
import { invalidRequest } from '../http/errors.js';

/**
 * Top-level parameters Stripe accepts per endpoint (from the installed stripe
 * package's *Params types for API 2026-10-28.endive). Anything else gets 400
 * `parameter_unknown`, as on Stripe, so a typo or a removed parameter (e.g.
 * Checkout's `payment_method_types`) fails here rather than in production.
 * For billing endpoints (customers, subscriptions, subscription items) a known parameter the
 * emulator does not implement is refused with "not supported by the local Stripe" rather than
 * accepted and ignored (see IMPLEMENTED and refuseUnimplemented). Endpoints whose lists are generated
 * from the stripe package use `accept` (accept.ts) instead.
 */
const words = (s: string): readonly string[] => s.trim().split(/\s+/);

export const KNOWN = {
  customerCreate: words(
    'address balance business_name cash_balance description email expand individual_name invoice_prefix invoice_settings metadata name next_invoice_sequence payment_method phone preferred_locales shipping source tax tax_exempt tax_id_data test_clock validate',
  ),
  customerUpdate: words(
    'address balance business_name cash_balance default_source description email expand individual_name invoice_prefix invoice_settings metadata name next_invoice_sequence phone preferred_locales shipping source tax tax_exempt validate',
  ),
  checkoutSessionCreate: words(
    'adaptive_pricing after_expiration allow_promotion_codes allowed_payment_method_types automatic_tax billing_address_collection branding_settings cancel_url client_reference_id consent_collection currency custom_fields custom_text customer customer_account customer_creation customer_email customer_update discounts excluded_payment_method_types expand expires_at integration_identifier invoice_creation line_items locale managed_payments metadata mode name_collection optional_items origin_context payment_intent_data payment_method_collection payment_method_configuration payment_method_data payment_method_options permissions phone_number_collection redirect_on_completion return_url saved_payment_method_options setup_intent_data shipping_address_collection shipping_options submit_type subscription_data success_url tax_id_collection ui_mode wallet_options',
  ),
  subscriptionItemCreate: words(
    'subscription billing_thresholds current_trial discounts expand metadata payment_behavior plan price price_data proration_behavior proration_date quantity tax_rates',
  ),
  subscriptionItemUpdate: words(
    'billing_thresholds current_trial discounts expand metadata off_session payment_behavior plan price price_data proration_behavior proration_date quantity tax_rates',
  ),
  subscriptionItemDelete: words('clear_usage payment_behavior proration_behavior proration_date'),
  subscriptionUpdate: words(
    'add_invoice_items application_fee_percent automatic_tax billing_cycle_anchor billing_schedules billing_thresholds cancel_at cancel_at_period_end cancellation_details collection_method days_until_due default_payment_method default_source default_tax_rates description discounts expand invoice_settings items metadata off_session on_behalf_of pause_collection payment_behavior payment_settings pending_invoice_item_interval proration_behavior proration_date transfer_data trial_end trial_from_plan trial_settings',
  ),
  subscriptionCancel: words('cancellation_details expand invoice_now prorate'),
} as const;

/**
 * Billing parameters the emulator really implements. Any other known parameter of these endpoints is
 * refused: silently ignoring e.g. `proration_date` once made green tests bill differently from Stripe.
 */
export const IMPLEMENTED = {
  customerCreate: words('balance description email expand invoice_settings metadata name payment_method phone'),
  customerUpdate: words('balance description email expand invoice_settings metadata name phone'),
  subscriptionUpdate: words(
    'billing_cycle_anchor cancel_at cancel_at_period_end cancellation_details default_payment_method description expand items metadata off_session payment_behavior proration_behavior proration_date trial_end',
  ),
  subscriptionCancel: words('cancellation_details expand invoice_now prorate'),
  checkoutSessionCreate: words(
    'allow_promotion_codes cancel_url client_reference_id currency customer customer_creation customer_email discounts expand expires_at line_items locale metadata mode payment_intent_data payment_method_collection subscription_data success_url',
  ),
  subscriptionItemCreate: words(
    'subscription expand metadata payment_behavior price proration_behavior proration_date quantity',
  ),
  subscriptionItemUpdate: words(
    'expand metadata off_session payment_behavior price proration_behavior proration_date quantity',
  ),
  subscriptionItemDelete: words('payment_behavior proration_behavior proration_date'),
} as const;

export function refuseUnimplemented(p: Params, endpoint: keyof typeof IMPLEMENTED): void {
  p.allowOnly(KNOWN[endpoint]);
  for (const key of Object.keys(p.raw)) {
    if (!(IMPLEMENTED[endpoint] as readonly string[]).includes(key)) {
      throw invalidRequest(
        `The parameter \`${key}\` is not supported by the local Stripe (stripe-emulator); it would be ignored here but not by Stripe.`,
        key,
        'parameter_unsupported',
      );
    }
  }
}
