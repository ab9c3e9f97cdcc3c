--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE ROLE app_owner;
ALTER ROLE app_owner WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN PASSWORD 'SCRAM-SHA-256$4096:XFfU1F64XlEXrYeFIAdzAkfF$2dCVK+rqYWmsx6dOJCKKZX3NR+B26m9WKbfMGzksl9V=:DPGAj9pKrMBdo/Lk+L2+GVHwideJtRXT/kEef1ITnYd=';

COPY public.accounts (id, username, password, created_at) FROM stdin;
1	admin	pbkdf2_sha256$870000$TEH8vo925r2vTqJJwlIJam$H0NV/wDbvCXNh0JGIO5nwrJX6ye8nyG/fJL8gbj02Jl=	2024-03-01 10:00:00+00
2	editor	pbkdf2_sha256$870000$7bTg2BbFwEUhOq9uRNjmB2$f7utAvnX1CYbvkneddTsX92cGkA5KjKXofp5eK07kb5=	2024-03-02 11:30:00+00
\.
