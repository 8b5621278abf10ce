-- Which order an acknowledgement belongs to, by its Message-ID: a customer answering our mail
-- names it in In-Reply-To. Empty until the outbox exists; a later migration redefines it.
CREATE OR REPLACE FUNCTION intake.outbox_lookup(message_ids text[])
RETURNS TABLE (order_id bigint) LANGUAGE sql STABLE AS $$
  SELECT NULL::bigint WHERE false
$$;
COMMENT ON FUNCTION intake.outbox_lookup(text[]) IS 'Orders whose acknowledgement has one of these Message-IDs (for follow-up matching)';
