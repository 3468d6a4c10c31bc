CREATE INDEX "credit_ledger_team_type_id_idx" ON "credit_ledger" USING btree ("team_id","credit_type","id");--> statement-breakpoint
CREATE INDEX "credit_ledger_grant_idx" ON "credit_ledger" USING btree ("grant_id");--> statement-breakpoint
CREATE INDEX "credit_reservations_held_idx" ON "credit_reservations" USING btree ("team_id","expires_at") WHERE "credit_reservations"."status" = 'held';