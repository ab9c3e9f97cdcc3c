--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE ROLE app_owner;
ALTER ROLE app_owner WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN PASSWORD '{{S:scram-sha-256}}';

COPY public.accounts (id, username, password, created_at) FROM stdin;
1	admin	{{S:pbkdf2}}	2024-03-01 10:00:00+00
2	editor	{{S:pbkdf2}}	2024-03-02 11:30:00+00
\.
