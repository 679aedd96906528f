#!/usr/bin/env bash
# Seeds a small, realistic shop schema on a MySQL-family server for the demo.
#   scripts/demo-seed.sh HOST:PORT
set -euo pipefail
addr=$1
host=${addr%:*}
port=${addr##*:}
mariadb --no-defaults -h"$host" -P"$port" -uoms -poms-test-pw --default-character-set=utf8mb4 <<'SQL'
DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE shop;
CREATE TABLE customers (
  id         INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email      VARCHAR(190) NOT NULL,
  name       VARCHAR(100) NOT NULL,
  country    CHAR(2) NOT NULL DEFAULT 'DE',
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uk_email (email),
  KEY ix_country (country)
) COMMENT 'people who buy';
CREATE TABLE products (
  sku        VARCHAR(32) NOT NULL PRIMARY KEY,
  title      VARCHAR(200) NOT NULL,
  price      DECIMAL(12,2) NOT NULL,
  tags       SET('new','sale','eco') NOT NULL DEFAULT '',
  attributes JSON NULL
);
CREATE TABLE orders (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  status      ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  total       DECIMAL(14,2) NOT NULL,
  note        TEXT NULL,
  placed_at   TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ix_customer (customer_id, placed_at)
);
CREATE TABLE order_lines (
  order_id BIGINT UNSIGNED NOT NULL,
  line_no  SMALLINT NOT NULL,
  sku      VARCHAR(32) NOT NULL,
  qty      INT NOT NULL,
  price    DECIMAL(12,2) NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE TABLE audit_log (
  at   DATETIME(6) NOT NULL,
  what VARCHAR(200) NOT NULL
) COMMENT 'no primary key on purpose';
CREATE VIEW big_orders AS SELECT id, customer_id, total FROM orders WHERE total > 100;

INSERT INTO customers (email, name, country) VALUES
  ('ana@example.com', 'Ana Lima', 'BR'), ('bo@example.com', 'Bo Svensson', 'SE'),
  ('chloe@example.com', 'Chloé Dubois', 'FR'), ('dmitri@example.com', 'Дмитрий Орлов', 'RU'),
  ('emi@example.com', '山田 恵美', 'JP'), ('finn@example.com', 'Finn O''Brien', 'IE');
INSERT INTO products VALUES
  ('SKU-1', 'Coffee beans 1kg', 18.90, 'eco', '{"origin": "Ethiopia"}'),
  ('SKU-2', 'Grinder', 79.00, 'new,sale', '{"burr": "conical"}'),
  ('SKU-3', 'Mug 🐘', 9.50, '', NULL);
INSERT INTO orders (customer_id, status, total, note)
  SELECT 1 + (seq % 6), ELT(1 + seq % 4, 'new','paid','shipped','cancelled'), 10 + (seq * 7.31) % 300,
         IF(seq % 5 = 0, CONCAT('gift wrap #', seq), NULL)
  FROM seq_1_to_500;
INSERT INTO order_lines SELECT o.id, l.seq, ELT(1 + (o.id + l.seq) % 3, 'SKU-1','SKU-2','SKU-3'), 1 + l.seq, 9.50
  FROM orders o JOIN seq_1_to_3 l;
INSERT INTO audit_log VALUES (NOW(6), 'seeded'), (NOW(6), 'seeded twice');
SQL
echo "seeded shop on $addr"
