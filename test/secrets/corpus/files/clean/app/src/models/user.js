const mongoose = require('mongoose');

const userSchema = new mongoose.Schema({
  email: { type: String, required: true, unique: true },
  password: { type: String, required: true, select: false },
  resetPasswordToken: String,
  resetPasswordExpires: Date,
  apiKeyHash: { type: String, index: true },
});

userSchema.methods.setPassword = async function setPassword(password) {
  this.password = await hash(password, 12);
};

module.exports = mongoose.model('User', userSchema);
