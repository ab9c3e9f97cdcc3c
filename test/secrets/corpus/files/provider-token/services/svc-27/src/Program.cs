namespace Svc;

internal static class Secrets
{
    internal const string StripeTestSecretKey = "sk_test_CENFZd7YQRwDvOLHYCSTkyiYJxoAZL3y1IzKbAQeTer5xqZbNBVWVu52xHY2JlaqObdb2m2qvrPr8uddkGUCNolZxxcez1sIN0V";
    internal const string StripeRestrictedKey = "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";
    internal const string StripeSecretKey = "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";
}
