CREATE DATABASE shop;
CREATE USER 'shop'@'%' IDENTIFIED BY '{{S:password}}';
GRANT ALL ON shop.* TO 'shop'@'%';
ALTER ROLE reporting WITH PASSWORD '{{S:password}}';
