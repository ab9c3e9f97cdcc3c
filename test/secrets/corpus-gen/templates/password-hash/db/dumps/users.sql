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
INSERT INTO `users` VALUES (1,'alice@acme-shop.net','{{S:bcrypt}}');
INSERT INTO `users` VALUES (2,'bob@acme-shop.net','{{S:bcrypt}}');
INSERT INTO `users` VALUES (3,'carol@acme-shop.net','{{S:argon2}}');
INSERT INTO `users` VALUES (4,'dave@acme-shop.net','{{S:bcrypt}}');
UNLOCK TABLES;
