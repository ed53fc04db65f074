using System.Text;
using NepForge.IO;

namespace NepForge.Tests.IO;

public sealed class Utf8TextTests
{
    [Theory]
    [InlineData("")]
    [InlineData("Lattice=\"5.431 0 0 0 5.431 0 0 0 5.431\" Properties=species:S:1:pos:R:3 energy=-840.73")]
    [InlineData("config_type=Å-phase comment=\"naïve 2θ\"")] // UTF-8 takes the decoder's path
    [InlineData("tab\tand\r")]
    public void Decodes_as_the_UTF8_decoder_does(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(Encoding.UTF8.GetString(bytes), Utf8Text.Decode(bytes));
    }

    [Fact]
    public void Long_ASCII_lines_past_the_stack_buffer()
    {
        string text = new('x', 5000);
        Assert.Equal(text, Utf8Text.Decode(Encoding.ASCII.GetBytes(text)));
    }
}
