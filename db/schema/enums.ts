import { pgEnum } from 'drizzle-orm/pg-core';

export const packageType = pgEnum('package_type', ['subscription', 'credit_pack', 'addon', 'enterprise']);
export const billingInterval = pgEnum('billing_interval', ['month', 'year']);
export const teamRole = pgEnum('team_role', ['owner', 'admin', 'member']);
export const purchaseStatus = pgEnum('purchase_status', ['paid', 'refunded', 'partially_refunded']);
export const checkoutStatus = pgEnum('checkout_status', ['open', 'complete', 'expired']);
// `user`: created by a user on /account/tokens, allowed only while the team's plan has API access.
// `service`: issued by the operator CLI for platform use, exempt from the plan check.
export const apiTokenKind = pgEnum('api_token_kind', ['user', 'service']);
export const addonStatus = pgEnum('addon_status', ['pending', 'active', 'removed']);
export const accountTokenPurpose = pgEnum('account_token_purpose', ['verify_email', 'reset_password']);
