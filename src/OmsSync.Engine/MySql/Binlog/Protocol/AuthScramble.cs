using System.Security.Cryptography;
using System.Text;

namespace OmsSync.Engine.MySql.Binlog.Protocol;

/// <summary>The password transformations of the mysql_native_password and caching_sha2_password plugins.</summary>
internal static class AuthScramble
{
    public const string NativePassword = "mysql_native_password";
    public const string CachingSha2Password = "caching_sha2_password";

    /// <summary>SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password))); empty for an empty password.</summary>
    public static byte[] Native(string password, ReadOnlySpan<byte> nonce)
    {
        if (password.Length == 0) return [];
        var hash1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var hash2 = SHA1.HashData(hash1);
        var salted = SHA1.HashData([.. nonce[..Math.Min(20, nonce.Length)], .. hash2]);
        for (var i = 0; i < hash1.Length; i++) hash1[i] ^= salted[i];
        return hash1;
    }

    /// <summary>SHA256(password) XOR SHA256(SHA256(SHA256(password)) + nonce); empty for an empty password.</summary>
    public static byte[] CachingSha2(string password, ReadOnlySpan<byte> nonce)
    {
        if (password.Length == 0) return [];
        var hash1 = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        var hash2 = SHA256.HashData(hash1);
        var salted = SHA256.HashData([.. hash2, .. nonce[..Math.Min(20, nonce.Length)]]);
        for (var i = 0; i < hash1.Length; i++) hash1[i] ^= salted[i];
        return hash1;
    }

    /// <summary>The NUL-terminated password, sent as is once the channel is encrypted.</summary>
    public static byte[] ClearText(string password) => [.. Encoding.UTF8.GetBytes(password), 0];

    /// <summary>The NUL-terminated password XOR the nonce (cycled), RSA-OAEP encrypted with the server's public key.</summary>
    public static byte[] RsaEncrypt(string password, ReadOnlySpan<byte> nonce, string publicKeyPem)
    {
        var clear = ClearText(password);
        var salt = nonce[..Math.Min(20, nonce.Length)];
        for (var i = 0; i < clear.Length; i++) clear[i] ^= salt[i % salt.Length];
        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return rsa.Encrypt(clear, RSAEncryptionPadding.OaepSHA1);
    }
}
