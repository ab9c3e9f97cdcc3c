namespace Svc;

internal static class Secrets
{
    internal const string StripeTestSecretKey = "sk_test_HC096K7OySCjwTyLSq2sHRTgID3zfPeWRLxbAFyCMUMim4O0uVX8PYpuXWIosdSnS0JqlnBo47zm4lFMSYdEwq28pwYm99zXIzc";
    internal const string StripeRestrictedKey = "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";
    internal const string StripeSecretKey = "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";
}
