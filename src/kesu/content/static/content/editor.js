// A small rich-text editor for article bodies: a toolbar over a contenteditable area that writes its
// HTML back into the form's textarea. Without JavaScript the textarea itself is the editor; the server
// sanitises whatever arrives (kesu.content.sanitising), so nothing here is a safety measure.
(function () {
  "use strict";

  var BUTTONS = [
    ["bold", "加粗", null], ["italic", "斜体", null], ["underline", "下划线", null],
    ["formatBlock", "小标题", "h2"], ["formatBlock", "三级标题", "h3"], ["formatBlock", "正文段落", "p"],
    ["insertUnorderedList", "项目列表", null], ["insertOrderedList", "编号列表", null],
    ["formatBlock", "引用", "blockquote"], ["createLink", "链接", null], ["unlink", "去掉链接", null],
    ["removeFormat", "清除格式", null]
  ];

  function build(textarea) {
    // New lines become paragraphs and bold stays a tag (not a styled span) that the allow-list keeps.
    try {
      document.execCommand("defaultParagraphSeparator", false, "p");
      document.execCommand("styleWithCSS", false, false);
    } catch (ignored) { /* older browsers: their defaults still save */ }
    var wrapper = document.createElement("div");
    wrapper.className = "rich-editor";
    var toolbar = document.createElement("div");
    toolbar.className = "rich-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "正文格式");
    var area = document.createElement("div");
    area.className = "rich-area rich";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-label", "正文");
    area.innerHTML = textarea.value;

    function sync() { textarea.value = area.innerHTML; }

    BUTTONS.forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = spec[1];
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        area.focus();
        var value = spec[2];
        if (spec[0] === "createLink") {
          value = window.prompt("链接地址（http:// 或 https:// 开头）", "https://");
          if (!value || !/^(https?:|mailto:)/i.test(value)) { return; }
        }
        document.execCommand(spec[0], false, value ? (spec[0] === "formatBlock" ? "<" + value + ">" : value) : null);
        sync();
      });
      toolbar.appendChild(button);
    });

    area.addEventListener("input", sync);
    area.addEventListener("blur", sync);
    // Pasted text arrives as plain text: pasted markup from word processors carries styles the
    // sanitiser would strip anyway, leaving the author surprised.
    area.addEventListener("paste", function (event) {
      if (!event.clipboardData) { return; }
      event.preventDefault();
      document.execCommand("insertText", false, event.clipboardData.getData("text/plain"));
      sync();
    });
    if (textarea.form) { textarea.form.addEventListener("submit", sync); }

    wrapper.appendChild(toolbar);
    wrapper.appendChild(area);
    textarea.parentNode.insertBefore(wrapper, textarea);
    textarea.hidden = true;
  }

  function counter(textarea) {
    var limit = parseInt(textarea.getAttribute("data-max-chars"), 10);
    var note = document.createElement("p");
    note.className = "small muted char-count";
    note.setAttribute("aria-live", "polite");
    function update() {
      var count = Array.from(textarea.value).length;
      note.textContent = "已写 " + count + " / " + limit + " 字";
      note.classList.toggle("error", count > limit);
    }
    textarea.addEventListener("input", update);
    textarea.parentNode.insertBefore(note, textarea.nextSibling);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-editor='content']").forEach(build);
    document.querySelectorAll("textarea[data-max-chars]").forEach(counter);
  });
})();
