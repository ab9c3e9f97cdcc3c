-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
-- Host: db-prod    Database: app
DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (
  `id` int NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL,
  `password_hash` varchar(255) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `users` WRITE;
INSERT INTO `users` VALUES (1,'alice@acme-shop.net','$2b$12$R.Dok0yK7A/X4DD0pAf/JGlOjAnchhOfpr3/H3Nhj314lFxSBtOaN');
INSERT INTO `users` VALUES (2,'bob@acme-shop.net','$2b$12$nbM/t0KYtotFds57pQA/osEpqchg1hH3DxbgkIuC/PT0N.a.reco4');
INSERT INTO `users` VALUES (3,'carol@acme-shop.net','$argon2id$v=19$m=65536,t=3,p=4$KHUUXseuiaceB5hEgem00E$Kho7bY20J72IKhZqLP4kNc1ZfgUIUs6bttiZ0WctKsc');
INSERT INTO `users` VALUES (4,'dave@acme-shop.net','$2b$12$nMDtlwqzAuurd1WBwKnlKZ8AmB8QWEak8qgfx1iRKcKlNsBYPaBUo');
UNLOCK TABLES;
