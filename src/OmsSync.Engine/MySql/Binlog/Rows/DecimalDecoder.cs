using System.Globalization;
using System.Text;
using OmsSync.Engine.MySql.Binlog.Protocol;
using OmsSync.Engine.MySql.Values;

namespace OmsSync.Engine.MySql.Binlog.Rows;

/// <summary>
/// MySQL's binary DECIMAL: the integer and fraction digits in groups of nine per four bytes
/// (a partial group takes 1-4 bytes), big-endian, the sign in the top bit of the first byte
/// (set = positive) and every byte inverted for negative values.
/// </summary>
internal static class DecimalDecoder
{
    private static readonly int[] DigitBytes = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

    public static int Size(int precision, int scale)
    {
        var integer = precision - scale;
        return integer / 9 * 4 + DigitBytes[integer % 9] + scale / 9 * 4 + DigitBytes[scale % 9];
    }

    public static MySqlDecimal Read(ref PacketReader reader, int precision, int scale)
    {
        if (precision is < 1 or > 65 || scale < 0 || scale > precision || scale > 38)
            throw new FormatException($"Invalid DECIMAL({precision},{scale}) metadata.");
        var bytes = reader.ReadBytes(Size(precision, scale)).ToArray();
        var positive = (bytes[0] & 0x80) != 0;
        bytes[0] ^= 0x80;
        if (!positive)
            for (var i = 0; i < bytes.Length; i++) bytes[i] ^= 0xFF;

        var integerDigits = precision - scale;
        var text = new StringBuilder(precision + 3);
        var offset = 0;
        var leading = integerDigits % 9;
        if (leading > 0) AppendGroup(text, bytes, ref offset, DigitBytes[leading], leading);
        for (var g = 0; g < integerDigits / 9; g++) AppendGroup(text, bytes, ref offset, 4, 9);
        var integerText = text.ToString().TrimStart('0');
        text.Clear().Append(integerText.Length == 0 ? "0" : integerText);
        if (scale > 0)
        {
            text.Append('.');
            for (var g = 0; g < scale / 9; g++) AppendGroup(text, bytes, ref offset, 4, 9);
            var trailing = scale % 9;
            if (trailing > 0) AppendGroup(text, bytes, ref offset, DigitBytes[trailing], trailing);
        }
        var result = text.ToString();
        var isZero = result.All(c => c is '0' or '.');
        return new MySqlDecimal(!positive && !isZero ? "-" + result : result);
    }

    private static void AppendGroup(StringBuilder text, byte[] bytes, ref int offset, int size, int digits)
    {
        uint value = 0;
        for (var i = 0; i < size; i++) value = value << 8 | bytes[offset + i];
        offset += size;
        var group = value.ToString(CultureInfo.InvariantCulture);
        if (group.Length > digits) throw new FormatException($"DECIMAL digit group {value} has more than {digits} digits.");
        text.Append(group.PadLeft(digits, '0'));
    }
}
