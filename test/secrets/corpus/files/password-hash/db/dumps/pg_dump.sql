--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET client_encoding = 'UTF8';

CREATE ROLE app_owner;
ALTER ROLE app_owner WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN PASSWORD 'SCRAM-SHA-256$4096:XF9LA5fEFiOi0EADZyhDvGY9$XMOk+J3G78XpZtkmcRgOiueiDcP3JCgoYgnCasO9mpV=:qlMDuYecQX5WNoe+Cgw4eoNUcKwx0XJDrpO/K6CREOE=';

COPY public.accounts (id, username, password, created_at) FROM stdin;
1	admin	pbkdf2_sha256$870000$PCWCapYVc8vjmbHgppcZmQ$bvsXAVmZOTTAR13fbtfzTVfdgXr9En5AMzZNyb5cwK5=	2024-03-01 10:00:00+00
2	editor	pbkdf2_sha256$870000$Y3rN2gjZBmbY2qZ0MSRcRs$fp9NSWu6obBFczaMa3QO0gKHUUXseuiaceB5hEgem00=	2024-03-02 11:30:00+00
\.
