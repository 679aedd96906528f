using System.Security.Cryptography;
using System.Text;

namespace OmsSync.Engine.State;

/// <summary>
/// Encrypts credentials at rest with AES-256-GCM under a per-user key file that only its owner
/// may read. The data source name is bound in as associated data, so a secret copied to another
/// data source's row does not decrypt.
/// </summary>
public sealed class SecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const byte FormatVersion = 1;
    private readonly byte[] _key;

    private SecretProtector(byte[] key) => _key = key;

    public static SecretProtector ForHome(OmsHome home)
    {
        home.EnsureCreated();
        if (!File.Exists(home.KeyFile))
            CreateKeyFile(home.KeyFile);
        var key = File.ReadAllBytes(home.KeyFile);
        if (key.Length != 32)
            throw new InvalidOperationException(
                $"The key file '{home.KeyFile}' is damaged (expected 32 bytes, found {key.Length}). " +
                "Restore it from a backup; without it the stored passwords cannot be read and data sources must be registered again.");
        return new SecretProtector(key);
    }

    private static void CreateKeyFile(string path)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var temp = path + "." + Environment.ProcessId + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
            stream.Write(key);
        try
        {
            // Two processes may race to create the key: the first rename wins, the other keeps its file unused.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
    }

    public byte[] Protect(string secret, string context)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[1 + NonceSize + TagSize + plain.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize),
            Encoding.UTF8.GetBytes(context.ToLowerInvariant()));
        CryptographicOperations.ZeroMemory(plain);
        return output;
    }

    public string Unprotect(byte[] protectedSecret, string context)
    {
        if (protectedSecret.Length < 1 + NonceSize + TagSize || protectedSecret[0] != FormatVersion)
            throw new InvalidOperationException($"The stored credential of '{context}' is not in a known format; register the data source again.");
        var plain = new byte[protectedSecret.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        try
        {
            aes.Decrypt(protectedSecret.AsSpan(1, NonceSize), protectedSecret.AsSpan(1 + NonceSize + TagSize),
                protectedSecret.AsSpan(1 + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(context.ToLowerInvariant()));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidOperationException(
                $"The stored credential of '{context}' cannot be decrypted with this user's key file. " +
                "Was OMSSYNC_HOME copied from another user or machine? Set the credential again with Set-OmsDataSource -Credential.");
        }
        return Encoding.UTF8.GetString(plain);
    }
}
