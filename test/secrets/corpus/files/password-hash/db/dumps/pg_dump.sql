--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE ROLE app_owner;
ALTER ROLE app_owner WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN PASSWORD 'SCRAM-SHA-256$4096:1v1ODKtR2Uzp7rqqdyaBW3ZP$O+RVJEeJQGi5a5KNCEbZy24LPsgFmOg1fkITWnvR/w8=:fra5XX54vo2bsHOSq435+dXvqMYHot8E0zAR/k+nN/y=';

COPY public.accounts (id, username, password, created_at) FROM stdin;
1	admin	pbkdf2_sha256$870000$hyojAv93EUfTDVgIXWE7Kz$5fEFiOi0EADZyhDvGY9XMOk+J3G78XpZtkmcRgOiuei=	2024-03-01 10:00:00+00
2	editor	pbkdf2_sha256$870000$CcO1IBgoWgnBasM7moUqlL$DuYecQX5WNoe+Cgw4eoNUcKwx0XJDrpO/K6CREOEQDY=	2024-03-02 11:30:00+00
\.
