-- The asset registry (policy §2), loaded by `intake assets import FILE.csv` (upsert by SN).
CREATE TABLE intake.assets (
  sn             text PRIMARY KEY CHECK (sn = upper(sn) AND sn <> ''),
  kind           text NOT NULL DEFAULT 'server' CHECK (kind IN ('server','part')),
  brand          text CHECK (brand IN ('supermicro','other')),
  model          text,
  customer       text,
  tier           text CHECK (tier IN ('silver','gold')),
  ship_date      date NOT NULL,
  invoice_date   date,
  warranty_basis text NOT NULL DEFAULT 'ship' CHECK (warranty_basis IN ('ship','invoice','contract')),
  contract_start date,
  contract_years integer CHECK (contract_years BETWEEN 1 AND 30),
  software       text,
  city           text,
  district       text,
  imported_at    timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'part' OR tier IS NOT NULL)
);
COMMENT ON TABLE intake.assets IS 'Sold servers and parts orders from the ERP (policy §2); one row per SN';
COMMENT ON COLUMN intake.assets.sn IS 'Serial number, upper case (look-ups are case-insensitive)';
COMMENT ON COLUMN intake.assets.kind IS 'server, or part (a parts order, 配件订单)';
COMMENT ON COLUMN intake.assets.brand IS 'Parts orders: supermicro (超微: 1 year free, years 2-3 material fee) or other (3 years)';
COMMENT ON COLUMN intake.assets.model IS 'Model name; wins over the mail''s (a disagreement is reason model_mismatch)';
COMMENT ON COLUMN intake.assets.customer IS 'Customer name';
COMMENT ON COLUMN intake.assets.tier IS 'silver (银牌) or gold (金牌); may be NULL for parts orders';
COMMENT ON COLUMN intake.assets.ship_date IS '出库/出厂 date; before 2025-01-01: the older policy (needs_review)';
COMMENT ON COLUMN intake.assets.invoice_date IS 'Invoice date (warranty basis invoice)';
COMMENT ON COLUMN intake.assets.warranty_basis IS 'Warranty start: ship (ship_date + 30 days), invoice (invoice_date), contract (contract_start)';
COMMENT ON COLUMN intake.assets.contract_start IS 'Contract start (warranty basis contract)';
COMMENT ON COLUMN intake.assets.contract_years IS 'Contract years: replace the machine part/auxiliary/Roycom software years';
COMMENT ON COLUMN intake.assets.software IS ';-separated software sold with the server (SuperAI, SuperHCI, RoycomONE, third-party products)';
COMMENT ON COLUMN intake.assets.city IS 'Installation city; fills the location when the mail names none';
COMMENT ON COLUMN intake.assets.district IS 'Installation district';
COMMENT ON COLUMN intake.assets.imported_at IS 'When the row was first imported';
COMMENT ON COLUMN intake.assets.updated_at IS 'When an import last changed it';
