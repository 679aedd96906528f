using System.Buffers.Binary;

namespace OmsSync.Engine.Mapping;

/// <summary>
/// A geometry's bytes between MySQL's form and PostGIS's. MySQL stores a geometry as its SRID (4 bytes, little-endian)
/// followed by its WKB. PostGIS reads and writes EWKB: WKB whose type word carries flags, 0x20000000 when an SRID (in
/// the WKB's byte order) follows the type, 0x80000000 and 0x40000000 for Z and M coordinates. The coordinates are the
/// same doubles on both sides, so the conversion moves four bytes and a flag; a value MySQL cannot hold (Z or M
/// coordinates) is refused with <see cref="FormatException"/> saying why.
/// </summary>
public static class GeometryBytes
{
    private const uint SridFlag = 0x20000000;
    private const uint ZFlag = 0x80000000;
    private const uint MFlag = 0x40000000;

    /// <summary>The SRID of a geometry in MySQL's form.</summary>
    public static uint Srid(ReadOnlySpan<byte> mysql) =>
        mysql.Length >= 9 ? BinaryPrimitives.ReadUInt32LittleEndian(mysql) : throw new FormatException("it is not a geometry (shorter than an SRID and a WKB header).");

    /// <summary>The EWKB of a geometry in MySQL's form: plain WKB for SRID 0, else with the SRID flag and the SRID.</summary>
    public static byte[] ToEwkb(ReadOnlySpan<byte> mysql)
    {
        var into = new byte[mysql.Length];
        return into[..ToEwkb(mysql, into)];
    }

    /// <summary>Writes the EWKB of <paramref name="mysql"/> into <paramref name="into"/> (never longer than the input); returns its length.</summary>
    public static int ToEwkb(ReadOnlySpan<byte> mysql, Span<byte> into)
    {
        var srid = Srid(mysql);
        var wkb = mysql[4..];
        if (srid == 0)
        {
            wkb.CopyTo(into);
            return wkb.Length;
        }
        var little = LittleEndian(wkb[0]);
        into[0] = wkb[0];
        Write(into[1..], Read(wkb[1..], little) | SridFlag, little);
        Write(into[5..], srid, little);
        wkb[5..].CopyTo(into[9..]);
        return wkb.Length + 4;
    }

    /// <summary>MySQL's form of an EWKB (or plain WKB, SRID 0) geometry.</summary>
    public static byte[] FromEwkb(ReadOnlySpan<byte> ewkb)
    {
        if (ewkb.Length < 5) throw new FormatException("it is not a geometry (shorter than a WKB header).");
        var little = LittleEndian(ewkb[0]);
        var type = Read(ewkb[1..], little);
        // Z and M come as EWKB flags or as ISO type codes (1001, 2001, 3001 for a Z point ...).
        if ((type & (ZFlag | MFlag)) != 0 || (type & 0xFFFF) > 7 || (type & 0xFFFF) == 0)
            throw new FormatException("MySQL's geometries are two-dimensional points, lines, polygons and their collections; it has Z or M coordinates.");
        var hasSrid = (type & SridFlag) != 0;
        if (hasSrid && ewkb.Length < 9) throw new FormatException("it is not a geometry (its SRID is cut short).");
        var srid = hasSrid ? Read(ewkb[5..], little) : 0;
        var rest = ewkb[(hasSrid ? 9 : 5)..];
        var mysql = new byte[9 + rest.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(mysql, srid);
        mysql[4] = ewkb[0];
        Write(mysql.AsSpan(5), type & ~SridFlag, little);
        rest.CopyTo(mysql.AsSpan(9));
        return mysql;
    }

    private static bool LittleEndian(byte order) => order switch
    {
        1 => true,
        0 => false,
        _ => throw new FormatException("it is not a geometry (its byte order mark is neither 0 nor 1)."),
    };

    private static uint Read(ReadOnlySpan<byte> bytes, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static void Write(Span<byte> into, uint value, bool little)
    {
        if (little) BinaryPrimitives.WriteUInt32LittleEndian(into, value);
        else BinaryPrimitives.WriteUInt32BigEndian(into, value);
    }
}
