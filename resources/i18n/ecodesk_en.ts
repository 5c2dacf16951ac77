<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
  <context>
    <name>AboutDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="48" />
      <source>Apache-2.0 或 GPL-3.0+（字体例外）</source>
      <translation>Apache-2.0 or GPL-3.0+ (with font exception)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="49" />
      <source>界面与报送单的中文字体</source>
      <translation>Chinese font of the window and the submission sheet</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="56" />
      <source>窗口界面</source>
      <translation>Window</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="59" />
      <source>本地数据库</source>
      <translation>Local database</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="61" />
      <source>数据库升级</source>
      <translation>Database upgrades</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="62" />
      <source>Excel 报表</source>
      <translation>Excel workbooks</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="64" />
      <source>安全读取 XML</source>
      <translation>Safe XML reading</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="70" />
      <source>PDF 报送单及其二维码</source>
      <translation>PDF submission sheet and its QR code</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="75" />
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="89" />
      <source>Apache-2.0 或 BSD-3-Clause</source>
      <translation>Apache-2.0 or BSD-3-Clause</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="76" />
      <source>签名与密钥</source>
      <translation>Signatures and keys</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="82" />
      <source>数据文件夹位置</source>
      <translation>Data folder location</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="84" />
      <source>表单定义</source>
      <translation>Form definitions</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="85" />
      <source>表单定义校验</source>
      <translation>Form definition checks</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="90" />
      <source>打印预览</source>
      <translation>Print preview</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="96" />
      <source>运行环境</source>
      <translation>Runtime</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="139" />
      <source>关于 EcoDesk</source>
      <translation>About EcoDesk</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="145" />
      <source>《{plan}》报送系统</source>
      <translation>Reporting system for the {plan}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="154" />
      <source>程序版本</source>
      <translation>Program version</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="155" />
      <source>表单版本</source>
      <translation>Form pack version</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="156" />
      <source>行动方案</source>
      <translation>Action plan</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="157" />
      <source>表单包摘要</source>
      <translation>Form pack digest</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="158" />
      <source>市里表单包密钥指纹</source>
      <translation>City's form pack key fingerprint</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="168" />
      <source>数据文件夹</source>
      <translation>Data folder</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="175" />
      <source>打开文件夹</source>
      <translation>Open folder</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="178" />
      <source>复制路径</source>
      <translation>Copy path</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="184" />
      <source>报送数据、自动备份和日志都保存在数据文件夹中；卸载或升级程序不会删除它们。</source>
      <translation>Reports, automatic backups and logs are kept in the data folder; uninstalling or upgrading the program does not delete them.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="191" />
      <source>使用的开源组件</source>
      <translation>Open-source components</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="192" />
      <source>字体许可</source>
      <translation>Font licence</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="196" />
      <source>关闭</source>
      <translation>Close</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="204" />
      <source>组件</source>
      <translation>Component</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="204" />
      <source>版本</source>
      <translation>Version</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="204" />
      <source>许可证</source>
      <translation>Licence</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="204" />
      <source>用途</source>
      <translation>Used for</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/about_dialog.py" line="226" />
      <source>找不到字体许可文件：{path}</source>
      <translation>Font licence file not found: {path}</translation>
    </message>
  </context>
  <context>
    <name>AcceptWarningDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/accept_warning_dialog.py" line="20" />
      <source>说明原因</source>
      <translation>Explain the reason</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/accept_warning_dialog.py" line="22" />
      <source>&lt;b&gt;⚠ 提示：&lt;/b&gt;{message}</source>
      <translation>&lt;b&gt;⚠ Warning:&lt;/b&gt; {message}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/accept_warning_dialog.py" line="24" />
      <source>请写明原因（例如数据变化的具体缘由），说明会随报表一并报送：</source>
      <translation>Write down the reason (for example what caused the change). The explanation is sent together with the report:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/accept_warning_dialog.py" line="26" />
      <source>确认说明</source>
      <translation>Confirm explanation</translation>
    </message>
  </context>
  <context>
    <name>AdoptDialog</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="32" />
      <source>作为本单位报送</source>
      <translation>Adopt as our unit's submission</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="37" />
      <source>将把{period}的汇总结果写入本单位（{unit}）{period}第 {revision} 版报送。写入后可在主窗口检查、补充，再签名导出报送上级。</source>
      <translation>The consolidation of {period} will be written into our unit's ({unit}) submission for {period}, revision {revision}. Afterwards check and complete it in the main window, then sign and send it to the level above.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="49" />
      <source>等 {n} 个单位</source>
      <translation> and others ({n} units in all)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="53" />
      <source>请注意：汇总中有不属于本县（市、区）的单位：{units}。县级单位一般只汇总本县各部门的报表；这些单位的数值会计入本单位的报送。如非有意，请取消，并从文件夹中移走这些报表。</source>
      <translation>Please note: the consolidation includes units outside this county-level division: {units}. A county usually consolidates only its own departments' workbooks; these units' figures will count in our unit's submission. If that is not intended, cancel and move those workbooks out of the folder.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="62" />
      <source>汇总结果提供 {v} 项指标数值、{n} 段文字说明、{t} 张表格、{w} 条已说明的提示，写入后替换本单位报送中的同一项。</source>
      <translation>The consolidation provides {v} indicator values, {n} narrative sections, {t} tables and {w} explained warnings; each replaces the same entry in our unit's submission.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="67" />
      <source>本单位自己填写、汇总结果没有提供的内容保持不变；每项改动都记入操作日志。</source>
      <translation>Whatever our unit entered that the consolidation does not provide stays as it is; every change is written to the audit log.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="71" />
      <source>本单位负责的表将增加：{forms}。</source>
      <translation>Forms added to those our unit reports on: {forms}.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="81" />
      <source>将被替换的内容</source>
      <translation>Entry to be replaced</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="81" />
      <source>现在</source>
      <translation>Now</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="81" />
      <source>汇总结果</source>
      <translation>Consolidation</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="95" />
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="96" />
      <source>{n} 行</source>
      <translation>{n} rows</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="100" />
      <source>以下 {n} 项本单位已经填写，且与汇总结果不同，将被替换：</source>
      <translation>These {n} entries our unit already filled in differ from the consolidation and will be replaced:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="110" />
      <source>本单位报送中没有与汇总结果不同的已填内容，不会覆盖任何已填写的内容。</source>
      <translation>Nothing our unit filled in differs from the consolidation; no entry already filled in will be overwritten.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="117" />
      <source>写入本单位报送</source>
      <translation>Write into our submission</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="137" />
      <source>{form}　文字说明：{section}</source>
      <translation>{form}  Narrative: {section}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/adopt_dialog.py" line="147" />
      <source>{form}　表格：{table}</source>
      <translation>{form}  Table: {table}</translation>
    </message>
  </context>
  <context>
    <name>App</name>
    <message>
      <location filename="../../ecodesk/ui/app.py" line="173" />
      <location filename="../../ecodesk/ui/app.py" line="261" />
      <source>无法打开数据</source>
      <translation>Cannot open the data</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/app.py" line="190" />
      <source>请注意</source>
      <translation>Please note</translation>
    </message>
  </context>
  <context>
    <name>AttachDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="50" />
      <source>添加佐证材料</source>
      <translation>Add evidence</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="56" />
      <source>佐证材料随报表一起签名报送。请为每个文件写一句说明，如“项目验收报告”“现场照片（东侧）”。</source>
      <translation>Evidence is signed and sent with the report. Write one sentence for each file, e.g. “project acceptance report”, “site photo (east side)”.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="70" />
      <source>附在：</source>
      <translation>Attach to:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="74" />
      <source>文件</source>
      <translation>File</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="75" />
      <source>大小</source>
      <translation>Size</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="76" />
      <source>说明（必填）</source>
      <translation>Description (required)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="86" />
      <source>无法读取</source>
      <translation>unreadable</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="90" />
      <source>这份文件证明什么</source>
      <translation>What this file proves</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="100" />
      <source>添加</source>
      <translation>Add</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/attach_dialog.py" line="113" />
      <source>还需填写说明：{names}</source>
      <translation>Description still missing for: {names}</translation>
    </message>
  </context>
  <context>
    <name>AttachmentSize</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachment_size.py" line="13" />
      <source>{n} 字节</source>
      <translation>{n} bytes</translation>
    </message>
  </context>
  <context>
    <name>AttachmentsPanel</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="132" />
      <source>附件…</source>
      <translation>Attach…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="134" />
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="281" />
      <source>选择文件作为佐证材料（PDF、图片、Word/Excel/WPS、OFD）</source>
      <translation>Choose files as evidence (PDF, images, Word/Excel/WPS, OFD)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="137" />
      <source>移除</source>
      <translation>Remove</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="157" />
      <source>尚无佐证材料。把文件拖到表单、某个指标或表格的一行上，或点“附件…”。</source>
      <translation>No evidence yet. Drop files on the form, an indicator or a table row, or click “Attach…”.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="184" />
      <source>整张表单：{form} {title}</source>
      <translation>Whole form: {form} {title}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="189" />
      <source>指标：{name}</source>
      <translation>Indicator: {name}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="199" />
      <source>{table} 第{n}行（{name}）</source>
      <translation>{table}, row {n} ({name})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="219" />
      <source>{name}
{kind}，{size}，SHA-256 {hash}…
双击打开</source>
      <translation>{name}
{kind}, {size}, SHA-256 {hash}…
Double-click to open</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="236" />
      <source>{name}　{size}
{place}
说明：{note}</source>
      <translation>{name}  {size}
{place}
Description: {note}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="274" />
      <source>已签名的版本不能再增删附件；如需更正，请新建更正版本。</source>
      <translation>A signed revision cannot gain or lose attachments; to correct it, start a correction revision.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="278" />
      <source>移除选中的附件（Ctrl+Z 可撤销）</source>
      <translation>Remove the selected attachments (Ctrl+Z undoes it)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="284" />
      <source>可把文件拖到表单、指标或表格的一行上；双击附件打开。</source>
      <translation>Drop files on the form, an indicator or a table row; double-click an attachment to open it.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="307" />
      <source>选择佐证材料</source>
      <translation>Choose evidence files</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="309" />
      <source>佐证材料 ({patterns})</source>
      <translation>Evidence ({patterns})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="319" />
      <source>不能添加附件</source>
      <translation>Cannot attach files</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="320" />
      <source>本期报表已签名，不能再添加附件。如需补充，请新建更正版本后再添加。</source>
      <translation>This period's report is signed and cannot take more attachments. To add some, start a correction revision first.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="336" />
      <source>“{name}”：{reason}</source>
      <translation>“{name}”: {reason}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="337" />
      <source>未能添加，原因已记入日志</source>
      <translation>not added; the reason is in the log</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="343" />
      <source>有文件未添加</source>
      <translation>Some files were not added</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="344" />
      <source>以下文件没有添加为佐证材料：
{lines}</source>
      <translation>These files were not added as evidence:
{lines}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="376" />
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="382" />
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="389" />
      <source>无法打开附件</source>
      <translation>Cannot open the attachment</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="383" />
      <source>无法把附件复制到临时文件夹：{error}</source>
      <translation>Cannot copy the attachment to the temporary folder: {error}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/attachments_panel.py" line="390" />
      <source>没有找到能打开“{name}”的程序。文件在：{path}</source>
      <translation>No program was found to open “{name}”. The file is at: {path}</translation>
    </message>
  </context>
  <context>
    <name>BackgroundTask</name>
    <message>
      <location filename="../../ecodesk/ui/workers.py" line="102" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
  </context>
  <context>
    <name>CompletenessView</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="41" />
      <source>图例：</source>
      <translation>Legend:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="78" />
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="78" />
      <source>版次</source>
      <translation>Rev.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="86" />
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="183" />
      <source>报送时效</source>
      <translation>Timeliness</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="104" />
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="112" />
      <source>未收到</source>
      <translation>Not received</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="146" />
      <source>{unit} {n} 天（原因：{reason}）</source>
      <translation>{unit} {n} days (reason: {reason})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="149" />
      <source>未写明</source>
      <translation>not given</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="154" />
      <source>迟报：{units}</source>
      <translation>Late: {units}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="158" />
      <source>已收到 {received} 个单位，未收到 {missing} 个</source>
      <translation>Received from {received} units, nothing from {missing}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="173" />
      <source>截止日期 {due}</source>
      <translation>Due {due}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="175" />
      <source>导出日期 {day}</source>
      <translation>Exported {day}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="193" />
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="201" />
      <source>已报</source>
      <translation>Sent</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="194" />
      <source>提示</source>
      <translation>Warn</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="202" />
      <source>提示：已报，有已说明的提示</source>
      <translation>Warn: submitted, with explained warnings</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="195" />
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="203" />
      <source>未报</source>
      <translation>Missing</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="204" />
      <source>—：该单位不报送此表</source>
      <translation>—: the unit does not report this form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="80" />
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="219" />
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="221" />
      <source>审核状态</source>
      <translation>Review state</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/completeness_view.py" line="127" />
      <source>查询 {n} 条，待答复 {p} 条</source>
      <translation>{n} queries, {p} still to answer</translation>
    </message>
  </context>
  <context>
    <name>ConflictDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="33" />
      <source>别人也改了这一项</source>
      <translation>Someone else changed this too</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="39" />
      <source>在您修改“{label}”期间，{who} 于 {when} 保存了另一个值。请决定保留哪一个：</source>
      <translation>While you were changing “{label}”, {who} saved another value at {when}. Please choose which one to keep:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="47" />
      <source>您输入的：</source>
      <translation>You typed:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="48" />
      <source>{who} 保存的：</source>
      <translation>{who} saved:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="49" />
      <source>您开始修改时是：</source>
      <translation>When you started:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="52" />
      <source>保留我的值</source>
      <translation>Keep mine</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="54" />
      <source>用您输入的值覆盖对方的值（会记入修改记录）</source>
      <translation>Replace the other value with yours (recorded in the change log)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="55" />
      <source>采用对方的值</source>
      <translation>Take theirs</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="57" />
      <source>保留对方的值；您输入的值会复制到剪贴板</source>
      <translation>Keep the other value; what you typed is copied to the clipboard</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="72" />
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="78" />
      <source>其他人</source>
      <translation>someone else</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="75" />
      <source>{preparer}（电脑用户 {os_user}）</source>
      <translation>{preparer} (computer user {os_user})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="81" />
      <source>（空）</source>
      <translation>(empty)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/conflict_dialog.py" line="101" />
      <source>已采用对方的值；您输入的“{mine}”已复制到剪贴板。</source>
      <translation>The other value was kept; what you typed (“{mine}”) is on the clipboard.</translation>
    </message>
  </context>
  <context>
    <name>ConnectionBanner</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/connection_banner.py" line="22" />
      <source>与数据库服务器的连接断了，正在自动重试……已保存的内容不会丢失；您可以继续填写，输入的内容留在窗口里，连接恢复后自动保存。</source>
      <translation>The connection to the database server is lost; retrying… Nothing saved is lost. You can go on typing: your input stays in the window and is saved when the connection is back.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/connection_banner.py" line="26" />
      <source>（有 {n} 项修改等待保存）</source>
      <translation>({n} changes waiting to be saved)</translation>
    </message>
  </context>
  <context>
    <name>ConsolidationWindow</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="86" />
      <source>汇总收到的报表</source>
      <translation>Consolidate received workbooks</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="115" />
      <location filename="../../ecodesk/ui/consolidation/window.py" line="117" />
      <source>选择文件夹…</source>
      <translation>Choose folder…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="119" />
      <source>收到的报表：</source>
      <translation>Received workbooks:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="128" />
      <source>报送期：</source>
      <translation>Period:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="131" />
      <source>文件夹中有几个报送期的报表时，选择要汇总的报送期</source>
      <translation>When the folder holds workbooks of several periods, choose the period to consolidate</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="136" />
      <source>监视文件夹：放入新报表或报表有改动时自动核验</source>
      <translation>Watch the folder: verify new or changed workbooks automatically</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="142" />
      <source>重新核验</source>
      <translation>Verify again</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="143" />
      <source>再次读取文件夹；只有新的或改动过的文件会重新核验</source>
      <translation>Read the folder again; only new or changed files are verified again</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="160" />
      <location filename="../../ecodesk/ui/consolidation/window.py" line="486" />
      <source>收到的文件</source>
      <translation>Received files</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="161" />
      <source>完成情况</source>
      <translation>Completeness</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="162" />
      <source>指标汇总</source>
      <translation>Indicators</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="170" />
      <source>导出汇总表…</source>
      <translation>Export consolidated workbook…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="177" />
      <source>作为本单位报送…</source>
      <translation>Adopt as our submission…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="179" />
      <source>把汇总结果写入本单位的报送，检查、补充后签名报送上级</source>
      <translation>Write the consolidation into our unit's submission, to check, complete, sign and send to the level above</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="182" />
      <source>关闭</source>
      <translation>Close</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="203" />
      <source>（未选择：请选择存放收到的报表的文件夹）</source>
      <translation>(not chosen: choose the folder holding the received workbooks)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="219" />
      <source>选择存放收到的报表的文件夹</source>
      <translation>Choose the folder holding the received workbooks</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="274" />
      <source>请先选择存放收到的报表的文件夹（可含按单位分开的子文件夹）。</source>
      <translation>First choose the folder holding the received workbooks (sub-folders per unit are fine).</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="279" />
      <source>文件夹“{folder}”不存在或无法打开。请重新选择存放收到的报表的文件夹。</source>
      <translation>The folder "{folder}" does not exist or cannot be opened. Choose the folder holding the received workbooks again.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="348" />
      <source>正在核验收到的报表…</source>
      <translation>Verifying the received workbooks…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="366" />
      <source>正在汇总…</source>
      <translation>Consolidating…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="405" />
      <source>收到的文件（{n}）</source>
      <translation>Received files ({n})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="425" />
      <source>核验没有完成，原因未知。详细情况已记入日志：{path}</source>
      <translation>Verification did not finish for an unknown reason. Details are in the log: {path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="442" />
      <source>放入后会自动核验。</source>
      <translation>Workbooks put there are verified automatically.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="444" />
      <source>文件夹“{folder}”中没有 .xlsx 报表，没有可以汇总的内容。{watching}</source>
      <translation>The folder "{folder}" holds no .xlsx workbook; there is nothing to consolidate. {watching}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="122" />
      <source>密钥登记：</source>
      <translation>Key registry:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="163" />
      <location filename="../../ecodesk/ui/consolidation/window.py" line="493" />
      <source>提示说明</source>
      <translation>Explained warnings</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="164" />
      <location filename="../../ecodesk/ui/consolidation/window.py" line="497" />
      <location filename="../../ecodesk/ui/consolidation/window.py" line="506" />
      <location filename="../../ecodesk/ui/consolidation/window.py" line="527" />
      <source>审核</source>
      <translation>Review</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="173" />
      <source>生成汇总工作簿：完成情况、各指标分单位数值和合计、目标和上年对比、提示说明、图表</source>
      <translation>Write the consolidated workbook: completeness, every indicator per unit with its total, targets and last year, explained warnings, charts</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="207" />
      <source>（未选择：请选择上级下发的各单位密钥登记文件夹）</source>
      <translation>(not chosen: choose the key registry folder issued by the level above)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="227" />
      <source>选择密钥登记文件夹（上级下发的各单位密钥登记文件）</source>
      <translation>Choose the key registry folder (the units' key registration files issued by the level above)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="286" />
      <source>还没有选择密钥登记文件夹。没有它无法核验报表的签名，因此没有汇总。请点“密钥登记”一行的“选择文件夹…”，选择上级下发的各单位密钥登记文件夹。</source>
      <translation>No key registry folder is chosen yet. Without it no signature can be verified, so nothing was consolidated. Click "Choose folder…" on the "Key registry" line and choose the key registry folder issued by the level above.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="294" />
      <source>密钥登记文件夹“{folder}”不存在。请重新选择，没有它无法核验签名，因此没有汇总。</source>
      <translation>The key registry folder "{folder}" does not exist. Choose it again: without it no signature can be verified, so nothing was consolidated.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="314" />
      <source>已核验 {done} / {total} 个文件</source>
      <translation>Verified {done} / {total} files</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="415" />
      <source>提示说明（{n}）</source>
      <translation>Explained warnings ({n})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="453" />
      <source>收到 {n} 个文件，但没有一个有效的报表，没有汇总。每个文件的原因见“收到的文件”；请让报送单位重新签名报送，或检查密钥登记文件夹是否选对。</source>
      <translation>{n} files received, but not one valid workbook, so nothing was consolidated. The reason for each file is under "Received files"; ask the units to sign and send again, or check that the right key registry folder is chosen.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="462" />
      <source>收到 {n} 个文件：采用 {used} 个，拒收 {refused} 个，搁置 {aside} 个。{period}汇总了 {units} 个单位。被拒收的文件请联系报送单位重新签名报送。</source>
      <translation>{n} files received: {used} used, {refused} refused, {aside} set aside. {period}: {units} units consolidated. Ask the units whose files were refused to sign and send again.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="467" />
      <source>收到 {n} 个文件：采用 {used} 个，拒收 {refused} 个，搁置 {aside} 个。{period}汇总了 {units} 个单位。</source>
      <translation>{n} files received: {used} used, {refused} refused, {aside} set aside. {period}: {units} units consolidated.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="506" />
      <source>审核（{n} 待审）</source>
      <translation>Review ({n} to review)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="534" />
      <source>还没有收到这个单位有效的报表，没有可以审核的内容。</source>
      <translation>No valid workbook has been received from this unit yet; there is nothing to review.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="551" />
      <source>比较修订版</source>
      <translation>Compare revisions</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="562" />
      <source>正在核验收到的报表，请等核验完成后再试。</source>
      <translation>The received workbooks are being verified; try again when that has finished.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="569" />
      <source>没有有效的报表可以汇总。</source>
      <translation>There is no valid workbook to consolidate.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="574" />
      <source>没有可以汇总的有效报表，什么也没有写入。

{why}</source>
      <translation>There is no valid workbook to consolidate; nothing was written.

{why}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="592" />
      <source>导出汇总表</source>
      <translation>Export consolidated workbook</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="598" />
      <source>保存汇总表</source>
      <translation>Save consolidated workbook</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="600" />
      <source>Excel 工作簿 (*.xlsx)</source>
      <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="621" />
      <source>汇总表已保存：{path}</source>
      <translation>Consolidated workbook saved: {path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="623" />
      <source>汇总表已保存到：
{path}</source>
      <translation>The consolidated workbook was saved to:
{path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="628" />
      <source>汇总表没有保存，原因未知。详细情况已记入日志：{path}</source>
      <translation>The consolidated workbook was not saved, for an unknown reason. Details are in the log: {path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="633" />
      <source>正在生成汇总表…</source>
      <translation>Writing the consolidated workbook…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="641" />
      <source>作为本单位报送</source>
      <translation>Adopt as our unit's submission</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="656" />
      <source>{period}第 {r} 版报送已签名，不能再写入汇总结果，什么也没有改动。如需用新的汇总结果更正，请先在主窗口“文件 → 建立修订版”，再回到这里写入。</source>
      <translation>Revision {r} of {period} is signed and cannot take the consolidation; nothing was changed. To correct it with the new consolidation, first use "File → New revision" in the main window, then come back here.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="678" />
      <source>汇总结果已写入本单位{period}的报送。请在主窗口检查、补充本单位的内容，然后签名导出报送上级。</source>
      <translation>The consolidation was written into our unit's submission for {period}. Check and complete it in the main window, then sign, export and send it to the level above.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="685" />
      <source>没有写入，原因未知。已保存的数据不受影响。详细情况已记入日志：{path}</source>
      <translation>Nothing was written, for an unknown reason. Saved data is not affected. Details are in the log: {path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/window.py" line="690" />
      <source>正在写入本单位报送…</source>
      <translation>Writing into our unit's submission…</translation>
    </message>
  </context>
  <context>
    <name>CrashHandler</name>
    <message>
      <location filename="../../ecodesk/ui/crash.py" line="22" />
      <source>程序遇到了一个意外问题，刚才的操作没有完成。已保存的数据不受影响。

请重新尝试；如果问题反复出现，请把日志文件发给技术支持：
{path}</source>
      <translation>The program ran into an unexpected problem and the last operation was not completed. Data already saved is not affected.

Please try again; if the problem keeps coming back, send the log file to technical support:
{path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/crash.py" line="54" />
      <source>出现问题</source>
      <translation>Something went wrong</translation>
    </message>
  </context>
  <context>
    <name>DatabaseDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/database_dialog.py" line="28" />
      <source>数据库</source>
      <translation>Database</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/database_dialog.py" line="33" />
      <source>一般情况下数据保存在本机的数据文件夹中，无需设置。单位有数据库服务器（PostgreSQL）、几台电脑共用一份数据时，请填写网管提供的地址，例如
postgresql://用户名:密码@服务器地址:5432/ecodesk
留空则使用本机数据文件。新地址在重新打开 EcoDesk 后生效；原有数据请先用“ecodesk store copy --to 地址”复制过去。</source>
      <translation>Normally the data is kept in the data folder on this computer and nothing needs to be set here. If your unit has a database server (PostgreSQL) and several computers share one set of data, enter the address your IT administrator gives you, for example
postgresql://username:password@server:5432/ecodesk
Leave it empty to use the data file on this computer. A new address takes effect when EcoDesk is opened again; first copy the existing data there with "ecodesk store copy --to ADDRESS".</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/database_dialog.py" line="44" />
      <source>本机数据文件 {path}</source>
      <translation>Data file on this computer: {path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/database_dialog.py" line="49" />
      <source>当前使用：{where}</source>
      <translation>Currently using: {where}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/database_dialog.py" line="54" />
      <source>留空：使用本机数据文件</source>
      <translation>Leave empty to use the data file on this computer</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/database_dialog.py" line="61" />
      <source>保存</source>
      <translation>Save</translation>
    </message>
  </context>
  <context>
    <name>DialogButtons</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/buttons.py" line="21" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
  </context>
  <context>
    <name>DiffDialog</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="39" />
      <source>比较修订版 — {unit}</source>
      <translation>Compare revisions — {unit}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="47" />
      <source>第{r}版（{name}）</source>
      <translation>Revision {r} ({name})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="52" />
      <source>原版本：</source>
      <translation>Old revision:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="55" />
      <source>新版本：</source>
      <translation>New revision:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="64" />
      <source>类别</source>
      <translation>Kind</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="64" />
      <source>表</source>
      <translation>Form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="64" />
      <source>位置</source>
      <translation>Place</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="64" />
      <source>原值</source>
      <translation>Old</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="64" />
      <source>新值</source>
      <translation>New</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="79" />
      <source>关闭</source>
      <translation>Close</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="99" />
      <source>数值</source>
      <translation>Value</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="100" />
      <source>章节</source>
      <translation>Section</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="101" />
      <source>表格行</source>
      <translation>Table row</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="104" />
      <source>请选择两个不同的版本。</source>
      <translation>Choose two different revisions.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="107" />
      <source>第{a}版 → 第{b}版：内容没有变化。</source>
      <translation>Revision {a} → revision {b}: nothing changed.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="111" />
      <source>第{a}版 → 第{b}版，{n} 处变化</source>
      <translation>Revision {a} → revision {b}, {n} changes</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="126" />
      <location filename="../../ecodesk/ui/consolidation/diff_dialog.py" line="129" />
      <source>（空）</source>
      <translation>(empty)</translation>
    </message>
  </context>
  <context>
    <name>EditSession</name>
    <message>
      <location filename="../../ecodesk/ui/session.py" line="434" />
      <source>删除的行上有 {n} 个附件，已随行一起移除；按 Ctrl+Z 可连同附件恢复。</source>
      <translation>{n} attachment(s) on the deleted row were removed with it; Ctrl+Z brings the row back with its attachments.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/session.py" line="649" />
      <source>添加附件“{name}”</source>
      <translation>Attach “{name}”</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/session.py" line="651" />
      <source>添加 {n} 个附件</source>
      <translation>Attach {n} files</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/session.py" line="664" />
      <source>移除附件“{name}”</source>
      <translation>Remove attachment “{name}”</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/session.py" line="666" />
      <source>移除 {n} 个附件</source>
      <translation>Remove {n} attachments</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/session.py" line="798" />
      <location filename="../../ecodesk/ui/session.py" line="824" />
      <source>提示“{message}”的说明</source>
      <translation>the explanation of the warning “{message}”</translation>
    </message>
  </context>
  <context>
    <name>EvidenceView</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="62" />
      <source>单位 / 表单 / 文件</source>
      <translation>Unit / form / file</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="63" />
      <source>附在</source>
      <translation>Attached to</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="64" />
      <source>说明</source>
      <translation>Description</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="65" />
      <source>大小</source>
      <translation>Size</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="66" />
      <source>核对</source>
      <translation>Check</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="86" />
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="87" />
      <source>表</source>
      <translation>Form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="88" />
      <source>填报内容</source>
      <translation>Claim</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="89" />
      <source>填报值</source>
      <translation>Value</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="90" />
      <source>应附佐证材料</source>
      <translation>Evidence required</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="91" />
      <source>单位的说明</source>
      <translation>The unit's explanation</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="120" />
      <source>佐证材料（{n} 项无佐证）</source>
      <translation>Evidence ({n} without)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="121" />
      <source>佐证材料</source>
      <translation>Evidence</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="125" />
      <source>各单位报送的佐证材料（{n} 个文件，双击打开）</source>
      <translation>Evidence sent by the units ({n} files; double-click to open)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="128" />
      <source>无佐证材料的填报（{n} 项）</source>
      <translation>Claims without evidence ({n})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="147" />
      <source>{n} 个文件</source>
      <translation>{n} files</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="147" />
      <source>无附件</source>
      <translation>no attachments</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="148" />
      <source>{unit}（{files}）</source>
      <translation>{unit} ({files})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="150" />
      <source>{unit}（{files}；{n} 项无佐证）</source>
      <translation>{unit} ({files}; {n} without evidence)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="168" />
      <source>一致</source>
      <translation>as signed</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="173" />
      <source>SHA-256 {hash}
双击打开</source>
      <translation>SHA-256 {hash}
Double-click to open</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="185" />
      <source>缺失</source>
      <translation>missing</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="186" />
      <source>与签名不符</source>
      <translation>not as signed</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="187" />
      <source>内容可疑</source>
      <translation>suspicious content</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="199" />
      <source>（未说明）</source>
      <translation>(no explanation)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="227" />
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="240" />
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="245" />
      <source>无法打开附件</source>
      <translation>Cannot open the attachment</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="230" />
      <source>报送包中没有“{name}”：对方只报送了工作簿，请索要报送包（.zip）。</source>
      <translation>The package has no “{name}”: the unit sent only the workbook; ask for the package (.zip).</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/evidence_view.py" line="246" />
      <source>没有找到能打开“{name}”的程序。文件在：{path}</source>
      <translation>No program was found to open “{name}”. The file is at: {path}</translation>
    </message>
  </context>
  <context>
    <name>FieldEditor</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/field_editor.py" line="69" />
      <source>填数字</source>
      <translation>number</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/field_editor.py" line="126" />
      <source>修改“{label}”</source>
      <translation>Change "{label}"</translation>
    </message>
  </context>
  <context>
    <name>FormState</name>
    <message>
      <source>未填</source>
      <translation>Empty</translation>
    </message>
    <message>
      <source>有错误</source>
      <translation>Errors</translation>
    </message>
    <message>
      <source>已检查</source>
      <translation>Checked</translation>
    </message>
    <message>
      <source>已签名</source>
      <translation>Signed</translation>
    </message>
    <message>
      <source>草稿</source>
      <translation>Draft</translation>
    </message>
    <message>
      <source>有提示</source>
      <translation>Warnings</translation>
    </message>
  </context>
  <context>
    <name>FormView</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="54" />
      <source>查看行动方案原文</source>
      <translation>Show the action plan's text</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="67" />
      <source>一、主要指标</source>
      <translation>1. Main indicators</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="71" />
      <source>二、工作情况</source>
      <translation>2. Progress report</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="81" />
      <source>三、明细表</source>
      <translation>3. Detail tables</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="87" />
      <source>四、佐证材料</source>
      <translation>4. Evidence</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="107" />
      <source>Tab 或回车到下一项，↑/↓ 上下移动，Ctrl+Z 撤销、Ctrl+Y 重做；鼠标停在指标上可看方案原文，F1 查看当前项的填报说明。</source>
      <translation>Tab or Enter: next field, ↑/↓: field above or below, Ctrl+Z: undo, Ctrl+Y: redo. Hover over an indicator to read the plan's text; F1 explains the current field.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="142" />
      <source>{name}：{value}　［已停用］</source>
      <translation>{name}: {value}  [retired]</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="146" />
      <source>已停用的指标（新表单包不再要求，数据保留在本机，不再导出）</source>
      <translation>Retired indicators (no longer asked for by the new form pack; the figures stay on this computer and are not exported)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="212" />
      <source>{who} 刚保存了此表的新内容；您正在输入的这一格保存时与之合并，同一格都改了时会请您选择保留哪一个。</source>
      <translation>{who} has just saved new contents in this table; the cell you are typing in will be merged with it when saved, and if you both changed the same cell you will be asked which value to keep.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="224" />
      <source>{who} 刚保存了此项的新值；您的输入保存时会请您选择保留哪一个。</source>
      <translation>{who} just saved a new value here; when yours is saved you will be asked which one to keep.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="312" />
      <source>附件 {n}</source>
      <translation>{n} attached</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/form_view.py" line="382" />
      <source>松开鼠标，把 {n} 个文件作为佐证材料附到：{place}</source>
      <translation>Release to attach {n} files as evidence to: {place}</translation>
    </message>
  </context>
  <context>
    <name>ImportPreviewDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="35" />
      <source>导入上年数据 — 预览</source>
      <translation>Import last year's data — preview</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="113" />
      <source>该文件属于{unit}，不是本单位的。我确认确属需要，仍要导入（将记入操作日志）。</source>
      <translation>This file belongs to {unit}, not to this unit. I confirm it is needed and want to import it anyway (recorded in the audit log).</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="47" />
      <source>将写入的上年值：{n} 项</source>
      <translation>Last-year values to be written: {n}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="49" />
      <source>（另有 {same} 项与本机已有的相同，不再列出）</source>
      <translation>({same} more are the same as those already here and are not listed)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="59" />
      <source>表单</source>
      <translation>Form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="60" />
      <source>指标</source>
      <translation>Indicator</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="61" />
      <source>原值</source>
      <translation>Old value</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="62" />
      <source>新值</source>
      <translation>New value</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="63" />
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="64" />
      <source>变化</source>
      <translation>Change</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="86" />
      <source>不能导入的内容：{n} 项（本机数据不受影响）</source>
      <translation>Cannot be imported: {n} items (the data on this computer is not affected)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="94" />
      <source>位置</source>
      <translation>Location</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="94" />
      <source>名称</source>
      <translation>Name</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="94" />
      <source>原因</source>
      <translation>Reason</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="119" />
      <source>无法确认签名人：签名密钥既不是本机的，也不在密钥登记文件夹中（例如本单位去年在另一台电脑上导出的报表）。我确认这是可信的上年文件（将记入操作日志）。</source>
      <translation>The signer cannot be confirmed: the signing key is neither this computer's nor in the key registry folder (for example a workbook this unit exported last year on another computer). I confirm this is a trustworthy file from last year (recorded in the audit log).</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="126" />
      <source>导入</source>
      <translation>Import</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="141" />
      <source>市里下发的上年基数表</source>
      <translation>Baseline template issued by the city</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="143" />
      <source>{unit}的签名报表</source>
      <translation>Signed workbook of {unit}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="145" />
      <source>文件：{name}</source>
      <translation>File: {name}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="146" />
      <source>内容：{source}，{period}的数据，导入后作为{now}的“上年值”。</source>
      <translation>Contents: {source}, data for {period}; after import it becomes the "last-year values" of {now}.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="149" />
      <source>核验：{message}</source>
      <translation>Verification: {message}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="151" />
      <source>说明：{note}</source>
      <translation>Note: {note}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="153" />
      <source>确认无误后点“导入”；点“取消”则本机数据不做任何改动。导入后可以撤销。</source>
      <translation>If everything is correct, click "Import"; click "Cancel" to leave the data on this computer unchanged. The import can be undone afterwards.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="162" />
      <source>，已清空“{cols}”待本年填写</source>
      <translation>; "{cols}" cleared to be filled in this year</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="167" />
      <source>带入本年表格：{form}《{name}》未完成项目 {n} 行{cleared}</source>
      <translation>Carried into this year's tables: {form} "{name}", {n} rows of unfinished projects{cleared}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="176" />
      <source>上年“下步计划”作为本年参考：{forms}</source>
      <translation>Last year's "next steps" as reference for this year: {forms}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="187" />
      <source>带入本年表格的上年未完成项目：{tables} 个表格共 {rows} 行</source>
      <translation>Last year's unfinished projects carried into this year's tables: {rows} rows in {tables} tables</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="193" />
      <source>上年“下步计划”作为本年参考：{n} 张表单</source>
      <translation>Last year's "next steps" as reference for this year: {n} forms</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/import_preview_dialog.py" line="195" />
      <source>（鼠标停留可看明细）</source>
      <translation>(hover to see the details)</translation>
    </message>
  </context>
  <context>
    <name>IndicatorChart</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="118" />
      <source>本单位</source>
      <translation>This unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="140" />
      <source>目标 {v}</source>
      <translation>Target {v}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="171" />
      <source>；本单位贡献约占 {p}%</source>
      <translation>; this unit contributes about {p}%</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="172" />
      <source>全市目标：{text}{share}</source>
      <translation>City-wide target: {text}{share}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="176" />
      <source>目标：{text}</source>
      <translation>Target: {text}</translation>
    </message>
  </context>
  <context>
    <name>IndicatorGrid</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="40" />
      <source>指标</source>
      <translation>Indicator</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="41" />
      <source>本期填报</source>
      <translation>This period</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="42" />
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="43" />
      <source>上年</source>
      <translation>Last year</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="44" />
      <source>方案目标</source>
      <translation>Plan target</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="45" />
      <source>目标进度</source>
      <translation>Progress</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="85" />
      <source>＝ {name}（自动计算）</source>
      <translation>= {name} (computed)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="144" />
      <source>填报后显示完成进度</source>
      <translation>Progress is shown once a value is entered</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/indicator_grid.py" line="149" />
      <source>已完成 {year} 年目标的 {p}%</source>
      <translation>{p}% of the {year} target reached</translation>
    </message>
  </context>
  <context>
    <name>IndicatorsView</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="56" />
      <source>筛选：</source>
      <translation>Filter:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="58" />
      <source>输入表号或指标名称</source>
      <translation>Form code or indicator name</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="65" />
      <source>合计按各指标的汇总方法计算；比率为分子之和除以分母之和。选中一项，下方列出各单位数值。</source>
      <translation>Totals follow each indicator's rule; a rate is the sum of numerators over the sum of denominators. Select one to see every unit's figure below.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="74" />
      <source>表</source>
      <translation>Form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="75" />
      <source>指标</source>
      <translation>Indicator</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="76" />
      <source>合计</source>
      <translation>Total</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="77" />
      <source>计量单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="78" />
      <source>上年同口径</source>
      <translation>Last year</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="79" />
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="218" />
      <source>同比（%）</source>
      <translation>Change (%)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="80" />
      <source>规划目标</source>
      <translation>Plan target</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="81" />
      <source>进度（%）</source>
      <translation>Progress (%)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="82" />
      <source>达标</source>
      <translation>Met</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="83" />
      <source>单位数</source>
      <translation>Units</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="146" />
      <source>有单位没有上年数，上年合计不可比，未列出。</source>
      <translation>Some units have no figure for last year, so last year's total is not comparable and is not shown.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="165" />
      <source>（逐单位列示）</source>
      <translation>(listed per unit)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="169" />
      <source>是</source>
      <translation>Yes</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="169" />
      <source>否</source>
      <translation>No</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="198" />
      <source>各单位数值：{form} {name}</source>
      <translation>Every unit's figure: {form} {name}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="200" />
      <source>汇总方法：{rule}</source>
      <translation>Rule: {rule}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="202" />
      <source>；{num}合计 {n}，{den}合计 {d}</source>
      <translation>; {num} total {n}, {den} total {d}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="209" />
      <source>；省下达目标合计 {t}</source>
      <translation>; provincial targets total {t}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="213" />
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="213" />
      <source>本期</source>
      <translation>This period</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="217" />
      <source>省下达目标</source>
      <translation>Provincial target</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="218" />
      <source>上年</source>
      <translation>Last year</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="221" />
      <source>达到目标</source>
      <translation>Target met</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/indicators_view.py" line="222" />
      <source>备注</source>
      <translation>Note</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="222" />
      <source>工具栏</source>
      <translation>Toolbar</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="112" />
      <location filename="../../ecodesk/ui/main_window.py" line="154" />
      <source>正在打开…</source>
      <translation>Opening…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="227" />
      <source> 报送期 </source>
      <translation> Period </translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="234" />
      <location filename="../../ecodesk/ui/main_window.py" line="291" />
      <source>显示全部任务</source>
      <translation>Show all tasks</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="236" />
      <source>默认只显示本单位负责的任务</source>
      <translation>By default only the tasks this unit is responsible for are shown</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="242" />
      <source>撤销</source>
      <translation>Undo</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="242" />
      <source>撤销：{what}</source>
      <translation>Undo: {what}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="244" />
      <source>重做</source>
      <translation>Redo</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="244" />
      <source>重做：{what}</source>
      <translation>Redo: {what}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="249" />
      <source>进度总览</source>
      <translation>Overview</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="253" />
      <source>全面检查</source>
      <translation>Check all</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="255" />
      <source>检查全部表单，结果列在下方问题面板（F5）</source>
      <translation>Check every form; the results are listed in the problems panel below (F5)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="276" />
      <source>文件(&amp;F)</source>
      <translation>&amp;File</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="284" />
      <source>退出(&amp;X)</source>
      <translation>E&amp;xit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="287" />
      <source>编辑(&amp;E)</source>
      <translation>&amp;Edit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="290" />
      <source>查看(&amp;V)</source>
      <translation>&amp;View</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="297" />
      <source>汇总(&amp;C)</source>
      <translation>&amp;Consolidate</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="299" />
      <source>汇总收到的报表…</source>
      <translation>Consolidate received workbooks…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="304" />
      <source>审核(&amp;R)</source>
      <translation>&amp;Review</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="305" />
      <source>设置(&amp;S)</source>
      <translation>&amp;Settings</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="306" />
      <source>单位信息…</source>
      <translation>Unit details…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="307" />
      <source>语言和负责任务…</source>
      <translation>Language and tasks…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="308" />
      <source>数据库…</source>
      <translation>Database…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="309" />
      <source>人员和角色…</source>
      <translation>People and roles…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="310" />
      <source>帮助(&amp;H)</source>
      <translation>&amp;Help</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="311" />
      <source>打开数据文件夹所在位置</source>
      <translation>Open the data folder</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="312" />
      <source>关于</source>
      <translation>About</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="357" />
      <source>EcoDesk 报送 — {unit} — {period}</source>
      <translation>EcoDesk reporting — {unit} — {period}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="195" />
      <source>表单版本 {v}</source>
      <translation>Form pack {v}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="353" />
      <source>{unit}　填报人：{preparer} </source>
      <translation>{unit}   prepared by {preparer} </translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="361" />
      <source>（第 {r} 版，已签名，只读）</source>
      <translation> (revision {r}, signed, read-only)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="396" />
      <source>当前表单：{form}　状态：{state}</source>
      <translation>Form: {form}   State: {state}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="425" />
      <source>尚未保存任何内容</source>
      <translation>Nothing saved yet</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="429" />
      <source>已自动保存 · 最后保存于 {time}</source>
      <translation>Saved automatically · last saved {time}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="438" />
      <source>不能修改</source>
      <translation>Cannot change</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="534" />
      <source>检查完毕：还有 {n} 项错误，见下方问题面板。</source>
      <translation>Check finished: {n} errors remain, see the problems panel below.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="539" />
      <source>检查完毕：没有错误，可以签名导出。</source>
      <translation>Check finished: no errors, ready to sign and export.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/live_updates.py" line="351" />
      <source>已重新连上数据库服务器，等待中的修改已保存。</source>
      <translation>Connected to the database server again; waiting changes are saved.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/live_updates.py" line="359" />
      <source>数据库服务器连接中断，正在重试……</source>
      <translation>Connection to the database server lost, retrying…</translation>
    </message>
  </context>
  <context>
    <name>NarrativeEdit</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/narrative_edit.py" line="70" />
      <source>已写 {n} 字</source>
      <translation>{n} characters</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/narrative_edit.py" line="73" />
      <source>至少 {n} 字</source>
      <translation>at least {n}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/narrative_edit.py" line="74" />
      <source>最多 {n} 字</source>
      <translation>at most {n}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/narrative_edit.py" line="100" />
      <source>修改“{name}”</source>
      <translation>Change "{name}"</translation>
    </message>
  </context>
  <context>
    <name>OfficeReview</name>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="44" />
      <source>审核通过</source>
      <translation>Mark reviewed</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="47" />
      <source>退回修改…</source>
      <translation>Return for changes…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="49" />
      <source>切换用户…</source>
      <translation>Switch user…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="51" />
      <source>人员和角色…</source>
      <translation>People and roles…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="88" />
      <source>登录：{name}（{roles}）</source>
      <translation>Signed in: {name} ({roles})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="111" />
      <location filename="../../ecodesk/ui/office_review.py" line="162" />
      <source>审核</source>
      <translation>Review</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="119" />
      <source>{person} {at}</source>
      <translation>{person} {at}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="134" />
      <source>审核人 {person} 退回修改：{comment}</source>
      <translation>Returned for changes by the reviewer {person}: {comment}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="136" />
      <source>已修改，待审核人复审。{person} 的意见：{comment}</source>
      <translation>Changed; waiting for the reviewer to review it again. {person}'s comment: {comment}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="145" />
      <source>请先在左侧选择一张表单。</source>
      <translation>Choose a form on the left first.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="165" />
      <source>表 {form}：已审核</source>
      <translation>Form {form}: reviewed</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="174" />
      <location filename="../../ecodesk/ui/office_review.py" line="189" />
      <source>退回修改</source>
      <translation>Return for changes</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="175" />
      <source>表 {form} 需要怎样修改？（填报人会在目录和表单上看到）</source>
      <translation>What should change in form {form}? (The filler sees it in the tree and on the form.)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/office_review.py" line="193" />
      <source>表 {form}：已退回修改</source>
      <translation>Form {form}: returned for changes</translation>
    </message>
  </context>
  <context>
    <name>Operations</name>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="53" />
      <source>导入上年数据…</source>
      <translation>Import last year's data…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="54" />
      <source>撤销导入…</source>
      <translation>Undo import…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="56" />
      <source>签名并导出报表…</source>
      <translation>Sign and export workbook…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="57" />
      <source>再次导出已签名的报表…</source>
      <translation>Export the signed workbook again…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="59" />
      <source>建立修订版（更正已签名的报送）…</source>
      <translation>New revision (correct a signed submission)…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="63" />
      <source>更换签名密钥（忘记口令时）…</source>
      <translation>Replace signing key (forgotten passphrase)…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="64" />
      <source>核验报表…</source>
      <translation>Verify workbooks…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="66" />
      <source>备份数据…</source>
      <translation>Back up data…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="67" />
      <source>从备份恢复…</source>
      <translation>Restore from backup…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="69" />
      <source>更新表单包…</source>
      <translation>Update form pack…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="70" />
      <source>撤销表单包更新…</source>
      <translation>Undo form pack update…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="76" />
      <source>生成上年基数表模板…</source>
      <translation>Create baseline template…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="88" />
      <source>没有可以撤销的导入</source>
      <translation>No import to undo</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="230" />
      <source>数据库</source>
      <translation>Database</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="231" />
      <source>已保存。重新打开 EcoDesk 后使用新的数据库设置。</source>
      <translation>Saved. The new database settings take effect when EcoDesk is opened again.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/base.py" line="34" />
      <source>操作没有完成，原因未知。已保存的数据不受影响。详细情况已记入日志：{path}</source>
      <translation>The operation did not complete for an unknown reason. Data already saved is not affected. Details are in the log: {path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/base.py" line="85" />
      <source>报送工作簿或报送包 (*.xlsx *.zip)</source>
      <translation>Submission workbooks or packages (*.xlsx *.zip)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/base.py" line="87" />
      <source>报送包 (*.zip)</source>
      <translation>Submission packages (*.zip)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="88" />
      <location filename="../../ecodesk/ui/operations/submission.py" line="101" />
      <source>还不能签名</source>
      <translation>Cannot sign yet</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="89" />
      <source>还有 {n} 项错误，改正后才能签名导出。请在下方问题面板中点击每一项，逐项改正。</source>
      <translation>There are still {n} errors; correct them before signing. Click each item in the problems panel below to go to it.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="136" />
      <source>本期数据已冻结；如需更正，请建立新的修订版。</source>
      <translation>The data of this period is frozen; to correct it, create a new revision.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="167" />
      <source>已签名</source>
      <translation>Signed</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="66" />
      <source>保存签名报表</source>
      <translation>Save signed workbook</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/base.py" line="86" />
      <location filename="../../ecodesk/ui/operations/data.py" line="230" />
      <location filename="../../ecodesk/ui/operations/review.py" line="36" />
      <location filename="../../ecodesk/ui/operations/review.py" line="146" />
      <location filename="../../ecodesk/ui/operations/submission.py" line="63" />
      <source>Excel 工作簿 (*.xlsx)</source>
      <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="236" />
      <source>已签名导出</source>
      <translation>Signed and exported</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="139" />
      <source>正在签名并导出报表…</source>
      <translation>Signing and exporting…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="58" />
      <source>打印报送单…</source>
      <translation>Print submission sheet…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="62" />
      <source>导出本单位密钥登记表…</source>
      <translation>Export this unit's key registration…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="61" />
      <source>报送包：签名报表和附件 (*.zip)</source>
      <translation>Package: signed workbook and attachments (*.zip)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="145" />
      <source>迟报原因</source>
      <translation>Reason for late submission</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="146" />
      <source>{period}的截止日期是 {due}，现在已逾期 {n} 天。
请写明迟报原因（必填）：它随签名数据一起报送上级，并印在报送单上。</source>
      <translation>{period} was due on {due}; it is now {n} days overdue.
Please give the reason for the late submission (required): it is sent with the signed data and printed on the submission sheet.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="152" />
      <source>继续签名导出</source>
      <translation>Continue to sign and export</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="168" />
      <source>本期第 {r} 版已签名，数据已冻结。

要把这一版再导出一份吗？（数据和版本号不变，用本单位密钥重新签名，适用于报表文件丢失或损坏。）
如需更正数据，请用“建立修订版”。</source>
      <translation>Revision {r} of this period is signed and its data is frozen.

Export another copy of this revision? (The data and revision number stay the same; it is signed again with this unit's key. Use this when the workbook file is lost or damaged.)
To correct the data, use "New revision".</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="185" />
      <location filename="../../ecodesk/ui/operations/submission.py" line="193" />
      <source>再次导出</source>
      <translation>Export again</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="186" />
      <source>本期报送还没有签名，请用“签名并导出报表”。</source>
      <translation>This period's submission is not signed yet; use "Sign and export workbook".</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="194" />
      <source>本机没有签名密钥（可能是换了电脑）。请先“更换签名密钥”并向上级登记新密钥，再导出。</source>
      <translation>There is no signing key on this computer (perhaps the computer was changed). First use "Replace signing key" and register the new key with the level above, then export.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="215" />
      <source>这是第 {r} 版的又一份签名报表，数据与原来的完全相同。</source>
      <translation>This is another signed workbook of revision {r}; its data is exactly the same as the original.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="220" />
      <source>正在导出已签名的报表…</source>
      <translation>Exporting the signed workbook…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="227" />
      <source>这是一个报送包：签名报表和 {n} 个附件在同一个 .zip 文件中，请把它整体上报。</source>
      <translation>This is a package: the signed workbook and {n} attachments in one .zip file. Send it as a whole.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="237" />
      <source>报表已签名并保存到：
{path}

签名指纹：{fp}

{note}</source>
      <translation>Workbook signed and saved to:
{path}

Signature fingerprint: {fp}

{note}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="245" />
      <source>打印已签名的报送单</source>
      <translation>Print the signed submission sheet</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="248" />
      <source>打开所在文件夹</source>
      <translation>Open containing folder</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="272" />
      <source>打印报送单</source>
      <translation>Print submission sheet</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="278" />
      <source>正在生成报送单…</source>
      <translation>Making the submission sheet…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="286" />
      <location filename="../../ecodesk/ui/operations/submission.py" line="292" />
      <location filename="../../ecodesk/ui/operations/submission.py" line="303" />
      <location filename="../../ecodesk/ui/operations/submission.py" line="310" />
      <source>建立修订版</source>
      <translation>New revision</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="287" />
      <source>本期报送还没有签名，可以直接修改，不需要建立修订版。</source>
      <translation>This period's submission is not signed yet: change it directly, no new revision is needed.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="293" />
      <source>请写明更正原因（会写入新版本的报表，上级据此知道它取代了哪一版）：</source>
      <translation>Write the reason for the correction (it goes into the new revision's workbook, so the level above knows which one it replaces):</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="304" />
      <source>没有写更正原因，未建立修订版。</source>
      <translation>No reason given; no revision was created.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/submission.py" line="315" />
      <source>已建立第 {r} 版，可以修改了。</source>
      <translation>Revision {r} created; it can be edited now.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="31" />
      <source>还没有签名密钥</source>
      <translation>No signing key yet</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/verify.py" line="25" />
      <source>选择要核验的报表</source>
      <translation>Choose workbooks to verify</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="32" />
      <source>本单位还没有签名密钥。第一次“签名并导出报表”时会创建密钥，之后再导出密钥登记表。</source>
      <translation>This unit has no signing key yet. The key is created at the first "Sign and export"; export the key registration after that.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="39" />
      <source>选择保存密钥登记文件的文件夹</source>
      <translation>Choose a folder for the key registration files</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="51" />
      <source>已导出密钥登记文件</source>
      <translation>Key registration exported</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="52" />
      <source>密钥登记文件：{file}
密钥登记表（请打印、签字盖章后连同文件报上级）：{sheet}
指纹：{fp}</source>
      <translation>Key registration file: {file}
Key registration sheet (print, sign and stamp it, then send it with the file to the level above): {sheet}
Fingerprint: {fp}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="72" />
      <location filename="../../ecodesk/ui/operations/keys.py" line="81" />
      <source>更换签名密钥</source>
      <translation>Replace signing key</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="73" />
      <source>本机还没有签名密钥，不需要更换。第一次“签名并导出报表”时会创建密钥。</source>
      <translation>This computer has no signing key yet, so there is nothing to replace. The key is created at the first "Sign and export workbook".</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="82" />
      <source>更换后，本单位用新的密钥签名；旧密钥作废，但用它签过的报表仍可验证。

重要：新密钥必须重新向上级登记（文件 → 导出本单位密钥登记表，打印登记表、签字盖章后连同登记文件报上级），否则上级无法验证之后签名的报表。

当前密钥指纹：{fp}</source>
      <translation>After the replacement this unit signs with the new key; the old key is retired, but workbooks signed with it can still be verified.

Important: the new key must be registered again with the level above (File → Export this unit's key registration; print the registration sheet, sign and stamp it, and send it with the registration file to the level above). Otherwise the level above cannot verify the workbooks signed from now on.

Current key fingerprint: {fp}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="93" />
      <source>我记得旧口令</source>
      <translation>I remember the old passphrase</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="96" />
      <source>旧口令已遗忘</source>
      <translation>I have forgotten the old passphrase</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="105" />
      <source>输入旧口令</source>
      <translation>Enter old passphrase</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="106" />
      <source>请输入当前签名密钥的口令，确认是本单位在更换密钥。</source>
      <translation>Enter the passphrase of the current signing key to confirm that it is your unit replacing the key.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="118" />
      <source>设定新口令</source>
      <translation>Set new passphrase</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="119" />
      <source>请为新的签名密钥设定口令（至少 8 位），以后每次签名导出都要输入。口令丢失无法找回，请妥善保管。</source>
      <translation>Choose a passphrase (at least 8 characters) for the new signing key; it is asked for at every signed export. A lost passphrase cannot be recovered, so keep it safe.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="135" />
      <source>已更换签名密钥</source>
      <translation>Signing key replaced</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="136" />
      <source>新密钥指纹：{fp}

请现在导出密钥登记表，报上级重新登记新密钥。现在导出吗？</source>
      <translation>New key fingerprint: {fp}

Export the key registration sheet now and send it to the level above to register the new key. Export it now?</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="144" />
      <source>正在生成新的签名密钥…</source>
      <translation>Creating the new signing key…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/keys.py" line="62" />
      <source>正在导出密钥登记表…</source>
      <translation>Exporting the key registration…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/verify.py" line="36" />
      <source>选择密钥登记文件夹（上级下发的各单位密钥登记文件）</source>
      <translation>Choose the key registry folder (the units' key registration files issued by the level above)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/verify.py" line="56" />
      <source>正在核验报表…</source>
      <translation>Verifying…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="45" />
      <source>选择上年的签名报表或市里下发的基数表</source>
      <translation>Choose last year's signed workbook or the city's baseline table</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="61" />
      <source>导入上年数据</source>
      <translation>Import last year's data</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="64" />
      <source>文件中的上年值与本机已有的完全相同，没有需要导入的内容。</source>
      <translation>The file's figures for last year are the same as those already here; there is nothing to import.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="77" />
      <source>正在读取并核验文件…</source>
      <translation>Reading and verifying the file…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="98" />
      <source>已导入</source>
      <translation>Imported</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="99" />
      <source>如导入有误，可用“文件 → 撤销导入”恢复。</source>
      <translation>If the import was wrong, "File → Undo import" restores the previous state.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="102" />
      <source>正在导入上年数据…</source>
      <translation>Importing last year's data…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="112" />
      <location filename="../../ecodesk/ui/operations/data.py" line="119" />
      <source>撤销导入</source>
      <translation>Undo import</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="113" />
      <source>没有可以撤销的导入。</source>
      <translation>There is no import to undo.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="120" />
      <source>撤销 {at} 从“{source}”导入的{period}数据吗？

上年值、带入的表格行和下步计划参考将恢复为导入前的样子。</source>
      <translation>Undo the import of {period} data from "{source}" made at {at}?

Last-year values, carried-over table rows and next-step references return to what they were before the import.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="139" />
      <source>已撤销导入</source>
      <translation>Import undone</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="140" />
      <source>已撤销从“{source}”的导入，恢复为导入前的上年值和表格。</source>
      <translation>The import from "{source}" was undone; last-year values and tables are back to what they were before it.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="145" />
      <source>正在撤销导入…</source>
      <translation>Undoing the import…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="160" />
      <source>备份数据到</source>
      <translation>Back up data to</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="162" />
      <source>EcoDesk 数据备份 (*.sqlite3)</source>
      <translation>EcoDesk data backup (*.sqlite3)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="175" />
      <source>备份完成</source>
      <translation>Backup done</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="176" />
      <source>数据已备份到：
{path}</source>
      <translation>The data was backed up to:
{path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="179" />
      <source>正在备份数据…</source>
      <translation>Backing up…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="218" />
      <source>生成上年基数表模板</source>
      <translation>Create baseline template</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="219" />
      <source>数据所属年度：</source>
      <translation>Year of the data:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="228" />
      <source>保存上年基数表模板</source>
      <translation>Save baseline template</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="245" />
      <source>已生成上年基数表</source>
      <translation>Baseline template created</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="246" />
      <source>已生成{year}年度上年基数表：
{path}

每个指标一行、每个县（市、区）一列。填好后下发各县，各县用“文件 → 导入上年数据”导入本县一列。</source>
      <translation>Baseline template with the {year} figures created:
{path}

One row per indicator, one column per county-level division. Once it is filled in, send it to the counties; each county imports its own column with "File → Import last year's data".</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="253" />
      <source>正在生成上年基数表…</source>
      <translation>Creating the baseline template…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="204" />
      <source>恢复完成</source>
      <translation>Restore done</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="205" />
      <source>数据已从备份恢复。原来的数据另存在：
{path}</source>
      <translation>The data was restored from the backup. The previous data is kept at:
{path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/data.py" line="206" />
      <source>（原来没有数据）</source>
      <translation>(there was no data before)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/__init__.py" line="60" />
      <source>导入审核意见…</source>
      <translation>Import review feedback…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="31" />
      <source>导入审核意见</source>
      <translation>Import review feedback</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="34" />
      <source>选择上级的审核意见书</source>
      <translation>Choose the review feedback from the office above</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="51" />
      <source>退回原因：{reason}</source>
      <translation>Reason for return: {reason}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="53" />
      <source>查询{n}　{label}：{question}</source>
      <translation>Query {n}  {label}: {question}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="59" />
      <source>导入这份审核意见（{decision}）？</source>
      <translation>Import this feedback ({decision})?</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="73" />
      <source>已导入审核意见，并建立第 {r} 版：请逐条答复查询后重新签名导出。</source>
      <translation>Feedback imported and revision {r} created: answer every query, then sign and export again.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="77" />
      <source>已导入审核意见：{decision}。</source>
      <translation>Feedback imported: {decision}.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="85" />
      <source>答复查询</source>
      <translation>Answer query</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="89" />
      <source>答复（会随新版本的报表报送）：</source>
      <translation>Answer (sent with the new revision):</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="100" />
      <source>已保存答复。</source>
      <translation>Answer saved.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="118" />
      <source>签名审核意见书</source>
      <translation>Sign the review feedback</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="121" />
      <source>审核意见书要用本单位的签名密钥签名，请输入口令。</source>
      <translation>The review feedback is signed with our unit's signing key; enter its passphrase.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="139" />
      <source>{unit}_{period}_第{r}版_审核意见书.xlsx</source>
      <translation>{unit}_{period}_rev{r}_review-feedback.xlsx</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="144" />
      <source>保存审核意见书</source>
      <translation>Save the review feedback</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="166" />
      <source>审核</source>
      <translation>Review</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="204" />
      <source>审核意见书已保存：{path}
（{unit} {period}第{r}版，{decision}，查询 {n} 条）

请把它发给报送单位；对方须先登记本单位的密钥。</source>
      <translation>Review feedback saved: {path}
({unit} {period} revision {r}, {decision}, {n} queries)

Send it to the reporting unit; it must first register our unit's key.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="222" />
      <source>审核意见书没有生成，原因未知。详细情况已记入日志：{path}</source>
      <translation>The review feedback was not made, for an unknown reason. Details are in the log: {path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="228" />
      <source>正在生成审核意见书…</source>
      <translation>Making the review feedback…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="237" />
      <source>比较修订版</source>
      <translation>Compare revisions</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/review.py" line="242" />
      <source>收到的文件中这个单位只有一个有效的修订版，没有可比较的版本。单位重报后，把新版本放入收到的报表文件夹再比较。</source>
      <translation>The received files hold only one valid revision of this unit; there is nothing to compare. When the unit resubmits, put the new revision in the received folder and compare again.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="33" />
      <source>选择市里下发的表单包</source>
      <translation>Choose the form pack the city sent</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="35" />
      <source>EcoDesk 表单包 (*.ecodesk-pack)</source>
      <translation>EcoDesk form pack (*.ecodesk-pack)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="53" />
      <source>正在核验表单包…</source>
      <translation>Verifying the form pack…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="66" />
      <source>已更新表单包</source>
      <translation>Form pack updated</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="67" />
      <source>已安装表单包 {version}。已填写的数据都保留；如有问题，可用“文件 → 撤销表单包更新”恢复。</source>
      <translation>Form pack {version} installed. Everything already entered is kept; if something is wrong, File → Undo form pack update restores the previous pack.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="73" />
      <source>正在安装表单包…</source>
      <translation>Installing the form pack…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="81" />
      <location filename="../../ecodesk/ui/operations/packs.py" line="87" />
      <source>撤销表单包更新</source>
      <translation>Undo form pack update</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="82" />
      <source>没有可以撤销的表单包更新。</source>
      <translation>There is no form pack update to undo.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="88" />
      <source>恢复上一次更新前的表单包吗？

已填写的数据都保留在本机，按恢复后的表单显示。</source>
      <translation>Restore the form pack in use before the last update?

Everything entered stays on this computer and is shown with the restored forms.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="104" />
      <source>已撤销表单包更新</source>
      <translation>Form pack update undone</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="105" />
      <source>现在使用表单包 {version}。</source>
      <translation>Form pack {version} is now in use.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/operations/packs.py" line="108" />
      <source>正在恢复表单包…</source>
      <translation>Restoring the form pack…</translation>
    </message>
  </context>
  <context>
    <name>Overview</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="201" />
      <source>表单</source>
      <translation>Form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="202" />
      <source>状态</source>
      <translation>State</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="203" />
      <source>已填/应填</source>
      <translation>Filled / required</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="204" />
      <source>完成度</source>
      <translation>Complete</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="205" />
      <source>截止</source>
      <translation>Due</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="218" />
      <source>填报完成情况</source>
      <translation>Completeness</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="221" />
      <source>目标进度图</source>
      <translation>Targets</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="232" />
      <source>进度总览 — {period}</source>
      <translation>Overview — {period}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="241" />
      <source>双击打开此表</source>
      <translation>Double-click to open this form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="272" />
      <source>共 {n} 张表：已检查 {ok} 张，有错误 {err} 张。双击一行打开该表。</source>
      <translation>{n} forms: {ok} checked, {err} with errors. Double-click a row to open the form.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="306" />
      <source>本期截止日期 {due}，已签名导出。</source>
      <translation>This period was due on {due}; it has been signed and exported.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="308" />
      <source>本期{label}：{opens} 开始填报，截止日期 {due}。</source>
      <translation>This period: {label}. Reporting opens on {opens} and is due on {due}.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="311" />
      <source>本期截止日期 {due}：{label}。</source>
      <translation>This period is due on {due}: {label}.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/overview.py" line="322" />
      <source>本单位负责的任务中没有带数值目标的指标。</source>
      <translation>None of this unit's tasks has an indicator with a numeric target.</translation>
    </message>
  </context>
  <context>
    <name>PackInstallDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="33" />
      <source>更新表单包</source>
      <translation>Update form pack</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="39" />
      <source>市里下发的表单包 {new}（{released} 发布），替换正在使用的 {old}</source>
      <translation>The city's form pack {new} (released {released}) replaces {old} in use</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="48" />
      <source>方案：{title}
签名有效：市里的表单包密钥 {fp}</source>
      <translation>Plan: {title}
Valid signature: the city's form pack key {fp}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="61" />
      <source>新增</source>
      <translation>Added</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="62" />
      <source>删除</source>
      <translation>Removed</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="63" />
      <source>修改</source>
      <translation>Changed</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="67" />
      <source>变化</source>
      <translation>Change</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="67" />
      <source>类别</source>
      <translation>Kind</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="67" />
      <source>项目</source>
      <translation>Item</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="67" />
      <source>说明</source>
      <translation>Details</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="92" />
      <source>已填写的数据按指标代码保留；改名的指标带着原来的数据。</source>
      <translation>Figures already entered are kept by indicator code; a renamed indicator keeps its figures.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="93" />
      <source>删除的指标，已填的数据仍保留在本机，显示为“已停用”，不再导出。</source>
      <translation>Figures of removed indicators stay on this computer, shown as retired, and are not exported.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="94" />
      <source>已签名导出的报送不会改变。</source>
      <translation>Signed and exported submissions do not change.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="95" />
      <source>如有问题，可用“文件 → 撤销表单包更新”恢复原来的表单包。</source>
      <translation>If something is wrong, File → Undo form pack update restores the previous pack.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="98" />
      <source>此表单包更换了市里的表单包密钥：以后只接受新密钥签名的表单包。</source>
      <translation>This pack replaces the city's form pack key: from now on only packs signed with the new key are accepted.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/pack_install_dialog.py" line="103" />
      <source>安装</source>
      <translation>Install</translation>
    </message>
  </context>
  <context>
    <name>PassphraseDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="44" />
      <source>创建签名密钥</source>
      <translation>Create signing key</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="44" />
      <source>输入签名口令</source>
      <translation>Enter signing passphrase</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="50" />
      <source>本单位还没有签名密钥。请设定一个口令（至少 {n} 位）来保护它，以后每次签名导出都要输入。口令丢失无法找回，请妥善保管。</source>
      <translation>This unit has no signing key yet. Choose a passphrase (at least {n} characters) to protect it; it is asked for at every signed export. A lost passphrase cannot be recovered, so keep it safe.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="54" />
      <source>签名导出需要本单位签名密钥的口令。</source>
      <translation>A signed export needs the passphrase of this unit's signing key.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="61" />
      <source>口令</source>
      <translation>Passphrase</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="65" />
      <source>再输一次</source>
      <translation>Repeat</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="71" />
      <source>确定</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="74" />
      <source>忘记口令，更换密钥…</source>
      <translation>Forgot passphrase, replace key…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="86" />
      <source>请输入口令。</source>
      <translation>Please enter the passphrase.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="88" />
      <source>口令至少要 {n} 位。</source>
      <translation>The passphrase needs at least {n} characters.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/passphrase_dialog.py" line="90" />
      <source>两次输入的口令不一致，请重新输入。</source>
      <translation>The two passphrases differ; please enter them again.</translation>
    </message>
  </context>
  <context>
    <name>PeopleDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="35" />
      <source>人员和角色</source>
      <translation>People and roles</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="40" />
      <source>填报人填写表单，审核人逐张审核（审核通过或退回修改），单位负责人在全部审核通过后签名导出。一人可兼多个角色。只有单位负责人可以添加人员、调整角色和重设口令。</source>
      <translation>Fillers fill the forms, a reviewer reviews each form (marks it reviewed or returns it for changes), and the head of the unit signs and exports once every form is reviewed. One person may hold several roles. Only a head adds people, changes roles and resets passwords.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="47" />
      <source>启用人员和角色（每人登录，导出前单位内审核）</source>
      <translation>Use people and roles (everyone signs in; forms are reviewed inside the office before export)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="52" />
      <source>姓名</source>
      <translation>Name</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="52" />
      <source>角色</source>
      <translation>Roles</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="52" />
      <source>状态</source>
      <translation>State</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="59" />
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="93" />
      <source>添加人员…</source>
      <translation>Add a person…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="60" />
      <source>调整角色…</source>
      <translation>Change roles…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="61" />
      <source>修改/重设口令…</source>
      <translation>Change or reset password…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="62" />
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="166" />
      <source>停用</source>
      <translation>Stop account</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="72" />
      <source>关闭</source>
      <translation>Close</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="86" />
      <source>可登录</source>
      <translation>Can sign in</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="86" />
      <source>已停用</source>
      <translation>Stopped</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="93" />
      <source>建立单位负责人账号…</source>
      <translation>Create the head's account…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="149" />
      <source>原口令</source>
      <translation>Current password</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="150" />
      <source>请输入您现在的口令：</source>
      <translation>Your current password:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="154" />
      <source>没有修改口令。</source>
      <translation>The password was not changed.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/people_dialog.py" line="167" />
      <source>停用 {name}？停用后不能再登录，修改记录中仍保留其姓名。</source>
      <translation>Stop {name}'s account? They can no longer sign in; the audit log keeps their name.</translation>
    </message>
  </context>
  <context>
    <name>PersonDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="44" />
      <source>建立单位负责人账号</source>
      <translation>Create the head's account</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="46" />
      <source>人员：{name}</source>
      <translation>Person: {name}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="46" />
      <source>添加人员</source>
      <translation>Add a person</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="53" />
      <source>这个数据库还没有人员账号。请先建立单位负责人的账号：之后由单位负责人添加填报人和审核人，每人用自己的姓名和口令登录。一人可兼多个角色。</source>
      <translation>This database has no accounts yet. Create the account of the head of the unit first: the head then adds the fillers and reviewers, and everyone signs in with their own name and password. One person may hold several roles.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="63" />
      <source>姓名</source>
      <translation>Name</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="68" />
      <source>填报人</source>
      <translation>Filler</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="69" />
      <source>审核人</source>
      <translation>Reviewer</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="70" />
      <source>单位负责人</source>
      <translation>Head of unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="76" />
      <source>角色</source>
      <translation>Roles</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="82" />
      <source>至少 {n} 个字符</source>
      <translation>at least {n} characters</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="83" />
      <source>口令</source>
      <translation>Password</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="84" />
      <source>再输入一次</source>
      <translation>Once more</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="91" />
      <source>保存</source>
      <translation>Save</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="104" />
      <source>请填写姓名。</source>
      <translation>Please enter the name.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="107" />
      <source>请至少选择一个角色。</source>
      <translation>Please choose at least one role.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="110" />
      <source>第一个账号必须是单位负责人。</source>
      <translation>The first account must be the head of the unit.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/person_dialog.py" line="113" />
      <source>两次输入的口令不一致。</source>
      <translation>The two passwords differ.</translation>
    </message>
  </context>
  <context>
    <name>PlanTree</name>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="108" />
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="42" />
      <source>行动方案</source>
      <translation>Action plan</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/main_window.py" line="109" />
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="42" />
      <source>状态</source>
      <translation>State</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="42" />
      <source>谁在填</source>
      <translation>Who is filling</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="42" />
      <source>截止</source>
      <translation>Due</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="44" />
      <source>本表另定的截止日期</source>
      <translation>The due date set for this form alone</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="66" />
      <source>主要目标</source>
      <translation>Main goals</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="114" />
      <source>{names} 正在填写这张表</source>
      <translation>{names} working on this form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="146" />
      <source>{label} · {opens} 开始填报 · 截止日期 {due}</source>
      <translation>{label} · opens {opens} · due {due}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="148" />
      <source>截止日期 {due} · {label}</source>
      <translation>Due {due} · {label}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/plan_tree.py" line="155" />
      <source>市里在表单包中规定的报送截止日期</source>
      <translation>The due date the city set in the form pack</translation>
    </message>
  </context>
  <context>
    <name>PrintPreviewDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="226" />
      <source>打印预览 — {name}</source>
      <translation>Print preview — {name}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="238" />
      <source>上一页</source>
      <translation>Previous</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="248" />
      <source>页，共 {m} 页</source>
      <translation>of {m}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="250" />
      <source>下一页</source>
      <translation>Next</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="253" />
      <source>适合宽度</source>
      <translation>Fit width</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="254" />
      <source>适合页面</source>
      <translation>Fit page</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="262" />
      <source>第</source>
      <translation>Page</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="267" />
      <source>缩放：</source>
      <translation>Zoom:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="288" />
      <source>打印…</source>
      <translation>Print…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="290" />
      <source>另存为 PDF…</source>
      <translation>Save as PDF…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="292" />
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="477" />
      <source>用其他程序打开</source>
      <translation>Open in another program</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="294" />
      <source>关闭</source>
      <translation>Close</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="396" />
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="442" />
      <source>打印报送单</source>
      <translation>Print submission sheet</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="421" />
      <source>正在打印报送单…</source>
      <translation>Printing the submission sheet…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="423" />
      <source>打印机无法开始打印。请检查打印机是否已连接、已开机，然后重试。</source>
      <translation>The printer could not start printing. Check that it is connected and switched on, then try again.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="424" />
      <source>正在打印第 {n} 页（共 {m} 页）…</source>
      <translation>Printing page {n} of {m}…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="436" />
      <source>已送往打印机：{n} 页。</source>
      <translation>Sent to the printer: {n} pages.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="439" />
      <source>打印没有完成。</source>
      <translation>Printing did not complete.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="446" />
      <source>打印没有完成，原因未知。详细情况已记入日志。可以改用“另存为 PDF”，再用其他程序打印。</source>
      <translation>Printing did not complete for an unknown reason. Details are in the log. You can use "Save as PDF" instead and print from another program.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="455" />
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="467" />
      <source>另存为 PDF</source>
      <translation>Save as PDF</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="455" />
      <source>PDF 文件 (*.pdf)</source>
      <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="469" />
      <source>已保存：{path}</source>
      <translation>Saved: {path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/print_preview_dialog.py" line="479" />
      <source>本机没有可以打开 PDF 文件的程序。请用“另存为 PDF”保存后，用其他电脑打开或打印。</source>
      <translation>No program on this computer opens PDF files. Use "Save as PDF" and open or print the file on another computer.</translation>
    </message>
  </context>
  <context>
    <name>ProblemsPanel</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="58" />
      <source>本表</source>
      <translation>This form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="59" />
      <source>全部表单</source>
      <translation>All forms</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="67" />
      <source>接受提示并说明…</source>
      <translation>Accept warning with explanation…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="68" />
      <source>撤回说明</source>
      <translation>Withdraw explanation</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="74" />
      <source>添加佐证材料…</source>
      <translation>Attach evidence…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="76" />
      <source>为选中的提示所说的填报附上佐证材料</source>
      <translation>Attach evidence to the claim the selected warning names</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="87" />
      <source>表单</source>
      <translation>Form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="87" />
      <source>问题</source>
      <translation>Problem</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="87" />
      <source>说明</source>
      <translation>Explanation</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="87" />
      <source>类型</source>
      <translation>Type</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="135" />
      <source>没有发现问题</source>
      <translation>No problems found</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="141" />
      <source>错误 {e} 项</source>
      <translation>Errors: {e}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="143" />
      <source>待说明的提示 {w} 项</source>
      <translation>Warnings to explain: {w}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="149" />
      <source>待答复的查询 {q} 项</source>
      <translation>{q} queries to answer</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/problems_panel.py" line="71" />
      <source>答复查询…</source>
      <translation>Answer query…</translation>
    </message>
  </context>
  <context>
    <name>ProfileDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="49" />
      <source>欢迎使用生态文明建设报送系统</source>
      <translation>Welcome to EcoDesk</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="49" />
      <source>单位信息</source>
      <translation>Unit details</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="57" />
      <source>第一次使用，请先填写本单位信息。这些信息会印在报送单和签名报表的封面上，以后可在“设置 → 单位信息”中修改。</source>
      <translation>First use: please enter your unit's details. They are printed on the submission sheet and on the cover of the signed workbook; you can change them later under "Settings → Unit details".</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="68" />
      <source>{name}（{code}，市本级）</source>
      <translation>{name} ({code}, city level)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="72" />
      <source>请选择本单位所在的县（市、区）</source>
      <translation>Choose the county-level division your unit belongs to</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="80" />
      <source>先选择行政区划，再选择或输入，如 林业局</source>
      <translation>Choose the division first, then choose or type, e.g. Forestry Bureau</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="94" />
      <source>如 0797-1234567 或手机号</source>
      <translation>e.g. 0797-1234567 or a mobile number</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="95" />
      <source>行政区划 *</source>
      <translation>Division *</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="96" />
      <source>填报部门 *</source>
      <translation>Department *</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="97" />
      <source>填报人 *</source>
      <translation>Prepared by *</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="98" />
      <source>审核人</source>
      <translation>Reviewed by</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="99" />
      <source>单位负责人</source>
      <translation>Head of unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="100" />
      <source>联系电话 *</source>
      <translation>Phone *</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="113" />
      <source>保存</source>
      <translation>Save</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="115" />
      <source>退出</source>
      <translation>Quit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="115" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="160" />
      <source>“{name}”不是行动方案列出的部门，无法判断负责哪些任务，将填报全部 {n} 张表单（以后可在“设置 → 语言和负责任务”中去掉不负责的表单）：
{names}</source>
      <translation>"{name}" is not a department listed in the action plan, so its tasks cannot be determined; it will report all {n} forms (you can later remove the forms it is not responsible for under "Settings → Language and tasks"):
{names}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="163" />
      <source>{unit}将填报以下 {n} 张表单：
{names}</source>
      <translation>{unit} will report the following {n} forms:
{names}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="170" />
      <source>选择行政区划和部门后，这里列出本单位要填报的表单。</source>
      <translation>Once the division and department are chosen, the forms your unit reports are listed here.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="198" />
      <source>行政区划</source>
      <translation>Division</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="200" />
      <source>填报部门</source>
      <translation>department</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="202" />
      <source>填报人</source>
      <translation>prepared by</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="204" />
      <source>联系电话</source>
      <translation>phone</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="211" />
      <source>确认本单位填报的表单</source>
      <translation>Confirm the forms your unit reports</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="217" />
      <source>确认无误请点“确定”；需要修改请点“取消”返回。</source>
      <translation>If this is correct, click "OK"; to change it, click "Cancel" to go back.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/profile_dialog.py" line="223" />
      <source>请填写：{names}。</source>
      <translation>Please fill in: {names}.</translation>
    </message>
  </context>
  <context>
    <name>ReasonDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/reason_dialog.py" line="41" />
      <source>Ctrl+回车 确认</source>
      <translation>Ctrl+Enter to confirm</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/reason_dialog.py" line="42" />
      <source>确定</source>
      <translation>OK</translation>
    </message>
  </context>
  <context>
    <name>ReceivedFilesTable</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/files_table.py" line="27" />
      <source>文件</source>
      <translation>File</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/files_table.py" line="28" />
      <source>核验结果</source>
      <translation>Verification</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/files_table.py" line="29" />
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/files_table.py" line="30" />
      <source>报送期</source>
      <translation>Period</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/files_table.py" line="31" />
      <source>版次</source>
      <translation>Rev.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/files_table.py" line="32" />
      <source>汇总</source>
      <translation>Consolidation</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/files_table.py" line="33" />
      <source>说明</source>
      <translation>Details</translation>
    </message>
  </context>
  <context>
    <name>RestoreDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="50" />
      <source>数据文件已损坏</source>
      <translation>The data file is damaged</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="50" />
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="92" />
      <source>从备份恢复</source>
      <translation>Restore from backup</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="55" />
      <source>本机的数据文件已损坏，程序无法打开它。请从下面的自动备份中选择一份恢复（通常选最近的一份）；也可以选择保存在其他地方的备份文件。
恢复前，损坏的文件会另存到备份文件夹，不会被删除。</source>
      <translation>The data file on this computer is damaged and the program cannot open it. Choose one of the automatic backups below to restore (usually the most recent); you can also choose a backup file kept elsewhere.
Before restoring, the damaged file is saved to the backup folder; it is not deleted.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="61" />
      <source>选择一份备份来替换当前的全部数据（通常选最近的一份）。恢复前，当前数据会先另存一份到备份文件夹。</source>
      <translation>Choose a backup to replace all current data (usually the most recent). Before restoring, a copy of the current data is saved to the backup folder.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="78" />
      <source>（备份文件夹中没有自动备份，请选择其他备份文件）</source>
      <translation>(There are no automatic backups in the backup folder; choose another backup file)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="83" />
      <source>选择其他备份文件…</source>
      <translation>Choose another backup file…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="96" />
      <source>退出程序</source>
      <translation>Quit the program</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="96" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="116" />
      <source>选择备份文件</source>
      <translation>Choose backup file</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="118" />
      <source>EcoDesk 数据备份 (*.sqlite3);;所有文件 (*)</source>
      <translation>EcoDesk data backup (*.sqlite3);;All files (*)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="122" />
      <source>其他文件：{name}</source>
      <translation>Other file: {name}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="131" />
      <source>确认恢复</source>
      <translation>Confirm restore</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="132" />
      <source>用这份备份替换当前数据吗？
{label}</source>
      <translation>Replace the current data with this backup?
{label}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/restore_dialog.py" line="137" />
      <source>当前数据会先另存一份到备份文件夹。</source>
      <translation>A copy of the current data is saved to the backup folder first.</translation>
    </message>
  </context>
  <context>
    <name>ReviewDialog</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="109" />
      <source>审核 {unit} {period}第{r}版</source>
      <translation>Review {unit} {period} revision {r}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="117" />
      <source>选择要查询的位置（指标数值、表格单元格、章节，或整份报表），写下问题后按 Enter 加入查询；右侧是程序的检查给出的建议问题。最后选择审核结论，生成审核意见书，用本单位的密钥签名。</source>
      <translation>Choose the place to query (an indicator value, a table cell, a section, or the whole submission), write the question and press Enter to add the query; on the right are the questions the program's checks suggest. Finally choose the decision and make the review feedback, signed with our unit's key.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="125" />
      <source>所审核的文件：{name}</source>
      <translation>File under review: {name}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="133" />
      <source>位置（收到的数值）：</source>
      <translation>Places (values as received):</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="136" />
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="166" />
      <source>位置</source>
      <translation>Place</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="136" />
      <source>收到的数值</source>
      <translation>Value received</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="145" />
      <source>建议的查询（程序的检查，Enter 选用）：</source>
      <translation>Suggested queries (the program's checks; Enter to use):</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="156" />
      <source>查询内容，例如：比上年增幅较大，请核实口径</source>
      <translation>Question, e.g. much higher than last year, please check the definition</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="158" />
      <source>加入查询</source>
      <translation>Add query</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="163" />
      <source>已提出的查询（Del 删除）：</source>
      <translation>Queries raised (Del removes):</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="166" />
      <source>查询内容</source>
      <translation>Question</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="177" />
      <source>审核结论</source>
      <translation>Decision</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="179" />
      <source>只提查询，不退回</source>
      <translation>Queries only, no return</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="180" />
      <source>退回修改</source>
      <translation>Return for correction</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="181" />
      <source>采用</source>
      <translation>Accept</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="187" />
      <source>退回原因：</source>
      <translation>Reason for return:</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="189" />
      <source>退回时必须写明：请单位核实或更正什么</source>
      <translation>Required for a return: what the unit must check or correct</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="202" />
      <source>生成审核意见书…</source>
      <translation>Make review feedback…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="204" />
      <source>取消</source>
      <translation>Cancel</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="255" />
      <source>{n} 行</source>
      <translation>{n} rows</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="257" />
      <source>第{n}行</source>
      <translation>Row {n}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="290" />
      <source>查询位置：{place}</source>
      <translation>Query on: {place}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="292" />
      <source>请在左侧选择一个位置（指标、单元格、章节或整份报表）</source>
      <translation>Choose a place on the left (indicator, cell, section or the whole submission)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="305" />
      <source>程序的检查没有发现需要查询的地方。</source>
      <translation>The program's checks found nothing to query.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="324" />
      <source>请先在左侧选择要查询的位置。</source>
      <translation>First choose the place to query on the left.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_dialog.py" line="328" />
      <source>请写下要问的问题，再加入查询。</source>
      <translation>Write the question before adding the query.</translation>
    </message>
  </context>
  <context>
    <name>ReviewView</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="68" />
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="69" />
      <source>版次</source>
      <translation>Rev.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="70" />
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="141" />
      <source>审核状态</source>
      <translation>Review state</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="71" />
      <source>查询</source>
      <translation>Queries</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="72" />
      <source>待答复</source>
      <translation>Unanswered</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="73" />
      <source>最近的审核意见</source>
      <translation>Latest review feedback</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="95" />
      <source>序号</source>
      <translation>No.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="96" />
      <source>位置</source>
      <translation>Place</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="97" />
      <source>查询内容</source>
      <translation>Question</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="98" />
      <source>单位的答复</source>
      <translation>Unit's answer</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="99" />
      <source>查询状态</source>
      <translation>Query state</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="121" />
      <source>审核…</source>
      <translation>Review…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="123" />
      <source>对所选单位的最新修订版提出查询、退回或采用，并生成签名的审核意见书（Enter）</source>
      <translation>Query, return or accept the chosen unit's newest revision and make the signed review feedback (Enter)</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="126" />
      <source>比较修订版…</source>
      <translation>Compare revisions…</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="127" />
      <source>列出所选单位两个修订版之间改动的每个数值和章节</source>
      <translation>List every value and section changed between two revisions of the chosen unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="166" />
      <source>{decision}（第{r}版，{when}）</source>
      <translation>{decision} (revision {r}, {when})</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="253" />
      <source>本单位还没有发出审核意见。</source>
      <translation>No review feedback sent to this unit yet.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/review_view.py" line="257" />
      <source>最近一次审核意见（第{r}版，{when}）：查询 {n} 条，待答复 {p} 条</source>
      <translation>Latest review feedback (revision {r}, {when}): {n} queries, {p} unanswered</translation>
    </message>
  </context>
  <context>
    <name>RowsModel</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/rows_model.py" line="91" />
      <source>本行附有 {n} 个佐证材料</source>
      <translation>{n} evidence files attached to this row</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/settings_dialog.py" line="27" />
      <source>设置</source>
      <translation>Settings</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/settings_dialog.py" line="35" />
      <source>界面语言</source>
      <translation>Interface language</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/settings_dialog.py" line="39" />
      <source>本单位负责填报的任务（只显示勾选的表单，可随时在主窗口中“显示全部”）：</source>
      <translation>Tasks this unit reports on (only checked forms are shown; "Show all tasks" in the main window shows the rest):</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/settings_dialog.py" line="55" />
      <source>保存</source>
      <translation>Save</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/settings_dialog.py" line="70" />
      <source>请至少勾选一项任务。</source>
      <translation>Please check at least one task.</translation>
    </message>
  </context>
  <context>
    <name>Severity</name>
    <message>
      <source>错误</source>
      <translation>Error</translation>
    </message>
    <message>
      <source>提示</source>
      <translation>Warning</translation>
    </message>
    <message>
      <source>已说明</source>
      <translation>Explained</translation>
    </message>
    <message>
      <source>{sign} {word}：{message}</source>
      <translation>{sign} {word}: {message}</translation>
    </message>
    <message>
      <source>查询</source>
      <translation>Query</translation>
    </message>
  </context>
  <context>
    <name>SignInDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/sign_in_dialog.py" line="32" />
      <location filename="../../ecodesk/ui/dialogs/sign_in_dialog.py" line="68" />
      <source>登录</source>
      <translation>Sign in</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/sign_in_dialog.py" line="37" />
      <source>{unit}：请选择您的姓名并输入口令。</source>
      <translation>{unit}: choose your name and enter your password.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/sign_in_dialog.py" line="39" />
      <source>请选择您的姓名并输入口令。</source>
      <translation>Choose your name and enter your password.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/sign_in_dialog.py" line="53" />
      <source>姓名</source>
      <translation>Name</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/sign_in_dialog.py" line="56" />
      <source>口令</source>
      <translation>Password</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/sign_in_dialog.py" line="62" />
      <source>忘记口令请找单位负责人重设。</source>
      <translation>Forgot your password? The head of the unit can reset it.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/sign_in_dialog.py" line="69" />
      <source>退出</source>
      <translation>Quit</translation>
    </message>
  </context>
  <context>
    <name>TableEditor</name>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="46" />
      <source>可从 Excel/WPS 复制多行后在表格中按 Ctrl+V 粘贴；带 * 的列必填。</source>
      <translation>Copy rows in Excel/WPS and press Ctrl+V in the table to paste them; columns marked * are required.</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="78" />
      <source>添加一行</source>
      <translation>Add row</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="79" />
      <source>在上方插入一行</source>
      <translation>Insert row above</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="80" />
      <source>在当前行的上方插入一个空行；各行的附件随所在行移动</source>
      <translation>Insert a blank row above the current one; each row's attachments move with their row</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="81" />
      <source>删除选中行</source>
      <translation>Remove selected rows</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="82" />
      <source>粘贴</source>
      <translation>Paste</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="147" />
      <source>共 {n} 行</source>
      <translation>{n} rows</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="177" />
      <source>修改“{table}”第 {row} 行</source>
      <translation>Change row {row} of "{table}"</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="183" />
      <source>在“{table}”添加一行</source>
      <translation>Add a row to "{table}"</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="198" />
      <source>在“{table}”第 {row} 行上方插入一行</source>
      <translation>Insert a row above row {row} of “{table}”</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="215" />
      <source>删除“{table}”中的 {n} 行</source>
      <translation>Remove {n} rows from "{table}"</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="228" />
      <source>向“{table}”粘贴 {n} 行</source>
      <translation>Paste {n} rows into "{table}"</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/widgets/table_editor.py" line="235" />
      <source>清除“{table}”中的内容</source>
      <translation>Clear cells in "{table}"</translation>
    </message>
  </context>
  <context>
    <name>VerifyResultsDialog</name>
    <message>
      <location filename="../../ecodesk/ui/dialogs/verify_results_dialog.py" line="22" />
      <source>核验结果</source>
      <translation>Verification results</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/verify_results_dialog.py" line="26" />
      <source>文件</source>
      <translation>File</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/verify_results_dialog.py" line="26" />
      <source>结论</source>
      <translation>Verdict</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/verify_results_dialog.py" line="26" />
      <source>详情</source>
      <translation>Details</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/verify_results_dialog.py" line="30" />
      <source>；</source>
      <translation>; </translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/dialogs/verify_results_dialog.py" line="38" />
      <source>关闭</source>
      <translation>Close</translation>
    </message>
  </context>
  <context>
    <name>WarningsTable</name>
    <message>
      <location filename="../../ecodesk/ui/consolidation/warnings_view.py" line="21" />
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/warnings_view.py" line="21" />
      <source>表</source>
      <translation>Form</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/warnings_view.py" line="21" />
      <source>指标</source>
      <translation>Indicator</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/warnings_view.py" line="21" />
      <source>提示</source>
      <translation>Warning</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/consolidation/warnings_view.py" line="21" />
      <source>说明</source>
      <translation>Explanation</translation>
    </message>
  </context>
  <context>
    <name>argparse</name>
    <message>
      <source>用法：</source>
      <translation>usage: </translation>
    </message>
    <message>
      <source>位置参数</source>
      <translation>positional arguments</translation>
    </message>
    <message>
      <source>选项</source>
      <translation>options</translation>
    </message>
    <message>
      <source>显示本帮助并退出</source>
      <translation>show this help message and exit</translation>
    </message>
    <message>
      <source>显示版本号并退出</source>
      <translation>show program's version number and exit</translation>
    </message>
    <message>
      <source>缺少必需的参数：%s</source>
      <translation>the following arguments are required: %s</translation>
    </message>
    <message>
      <source>无法识别的参数：%s</source>
      <translation>unrecognized arguments: %s</translation>
    </message>
    <message>
      <source>参数 %(argument_name)s：%(message)s</source>
      <translation>argument %(argument_name)s: %(message)s</translation>
    </message>
    <message>
      <source>无效的选择 %(value)r（可选：%(choices)s）</source>
      <translation>invalid choice: %(value)r (choose from %(choices)s)</translation>
    </message>
    <message>
      <source>需要一个值</source>
      <translation>expected one argument</translation>
    </message>
    <message>
      <source>最多只能有一个值</source>
      <translation>expected at most one argument</translation>
    </message>
    <message>
      <source>至少需要一个值</source>
      <translation>expected at least one argument</translation>
    </message>
    <message>
      <source>无效的值 %(value)r</source>
      <translation>invalid value: %(value)r</translation>
    </message>
    <message>
      <source>不能与参数 %s 同时使用</source>
      <translation>not allowed with argument %s</translation>
    </message>
    <message>
      <source>选项 %(option)s 不明确，可能是：%(matches)s</source>
      <translation>ambiguous option: %(option)s could match %(matches)s</translation>
    </message>
    <message>
      <source>必须给出以下参数之一：%s</source>
      <translation>one of the arguments %s is required</translation>
    </message>
  </context>
  <context>
    <name>attachments</name>
    <message>
      <source>不能添加附件“{name}”：{reason}。</source>
      <translation>Cannot attach “{name}”: {reason}.</translation>
    </message>
    <message>
      <source>没有编号为 {id} 的附件。用 ecodesk attachments 查看各附件的编号。</source>
      <translation>There is no attachment number {id}. Use ecodesk attachments to see the numbers.</translation>
    </message>
    <message>
      <source>附件“{name}”属于{period}已签名的第 {revision} 版，已随签名报出，不能删除或更改。如需更正，请先建立修订版。</source>
      <translation>Attachment “{name}” belongs to the signed revision {revision} of {period} and went out with the signature; it cannot be removed or changed. To correct it, start a new revision first.</translation>
    </message>
    <message>
      <source>附件“{name}”的文件不在本机数据文件夹中（SHA-256 {short}）。请从备份恢复，或删除该附件后重新添加。</source>
      <translation>The file of attachment “{name}” is not in this computer's data folder (SHA-256 {short}). Restore a backup, or remove the attachment and add it again.</translation>
    </message>
    <message>
      <source>无法识别的文件类型。可以添加的是 PDF、JPEG/PNG 图片、Word/Excel（docx、xlsx、doc、xls）、WPS（wps、et）和 OFD 文件</source>
      <translation>unknown file type. PDF, JPEG/PNG images, Word/Excel (docx, xlsx, doc, xls), WPS (wps, et) and OFD files can be attached</translation>
    </message>
    <message>
      <source>这是可执行程序（文件内容是程序，不是文档或图片），不能作为佐证材料</source>
      <translation>this is an executable program (its content is a program, not a document or an image) and cannot be evidence</translation>
    </message>
    <message>
      <source>文件名的扩展名是“{ext}”，但内容是{kind}（{expected}）。请确认选对了文件，或把扩展名改正后再添加</source>
      <translation>the name ends in “{ext}” but the content is a {kind} ({expected}). Check that this is the right file, or correct its extension and add it again</translation>
    </message>
    <message>
      <source>PDF 文档</source>
      <translation>PDF document</translation>
    </message>
    <message>
      <source>JPEG 图片</source>
      <translation>JPEG image</translation>
    </message>
    <message>
      <source>PNG 图片</source>
      <translation>PNG image</translation>
    </message>
    <message>
      <source>Word 文档</source>
      <translation>Word document</translation>
    </message>
    <message>
      <source>Excel 表格</source>
      <translation>Excel workbook</translation>
    </message>
    <message>
      <source>Word 97-2003 文档</source>
      <translation>Word 97-2003 document</translation>
    </message>
    <message>
      <source>Excel 97-2003 表格</source>
      <translation>Excel 97-2003 workbook</translation>
    </message>
    <message>
      <source>WPS 文字文档</source>
      <translation>WPS Writer document</translation>
    </message>
    <message>
      <source>WPS 表格</source>
      <translation>WPS Spreadsheet</translation>
    </message>
    <message>
      <source>OFD 版式文档</source>
      <translation>OFD document</translation>
    </message>
    <message>
      <source>这是压缩包，里面的文件无法核对。请解压后逐个添加其中的文件</source>
      <translation>this is an archive whose files cannot be checked. Unpack it and add its files one by one</translation>
    </message>
    <message>
      <source>无</source>
      <translation>none</translation>
    </message>
    <message>
      <source>缺少附件“{name}”（{label}，{note}）：签名记录中有它，报送包中没有。请向报送单位索取完整的报送包</source>
      <translation>Attachment “{name}” ({label}, {note}) is missing: the signed records list it, the package does not hold it. Ask the unit for the complete package</translation>
    </message>
    <message>
      <source>附件“{name}”的内容是可执行程序，不是文档或图片，已拒收，请勿打开</source>
      <translation>Attachment “{name}” is an executable program, not a document or an image: refused, do not open it</translation>
    </message>
    <message>
      <source>附件“{name}”的类型“{kind}”不是可接受的类型</source>
      <translation>Attachment “{name}” has the type “{kind}”, which is not accepted</translation>
    </message>
    <message>
      <source>报送包的签名记录中没有附件“{name}”</source>
      <translation>The package's signed records have no attachment “{name}”</translation>
    </message>
    <message>
      <source>附件“{name}”在本机保存的文件已损坏（内容与登记的 SHA-256 不符），没有导出。请删除该附件后用原文件重新添加，或从备份恢复。</source>
      <translation>The stored file of attachment “{name}” is damaged (its content does not match its SHA-256); nothing was exported. Remove the attachment and add the original file again, or restore a backup.</translation>
    </message>
    <message>
      <source>多出的文件“{name}”：签名记录中没有它，不是报送单位签名时附上的</source>
      <translation>Extra file “{name}”: the signed records do not list it, the unit did not attach it when signing</translation>
    </message>
    <message>
      <source>包含 {n} 个文件，远超正常的报送包</source>
      <translation>it holds {n} files, far more than any package</translation>
    </message>
    <message>
      <source>包中没有签名报表（.xlsx 应在包的最外层）</source>
      <translation>the package holds no signed workbook (the .xlsx belongs at its top level)</translation>
    </message>
    <message>
      <source>包中有 {n} 个报表（{names}），一个报送包只应有一个</source>
      <translation>the package holds {n} workbooks ({names}); a package has exactly one</translation>
    </message>
    <message>
      <source>报表过大（{mb} MB）</source>
      <translation>the workbook is too large ({mb} MB)</translation>
    </message>
    <message>
      <source>文件名“{name}”是绝对路径（指向包外）</source>
      <translation>the name “{name}” is an absolute path (it points outside the package)</translation>
    </message>
    <message>
      <source>文件名“{name}”含“..”（指向包外的文件夹）</source>
      <translation>the name “{name}” contains “..” (it points to a folder outside the package)</translation>
    </message>
    <message>
      <source>文件名“{name}”含控制字符或为空</source>
      <translation>the name “{name}” is empty or contains control characters</translation>
    </message>
    <message>
      <source>附件“{name}”（{label}）与签名时不同：被替换或改动过（签名时 {size} 字节、SHA-256 {want}…，现在 {now} 字节、{got}…）</source>
      <translation>Attachment “{name}” ({label}) is not the file that was signed: replaced or changed (signed: {size} bytes, SHA-256 {want}…; now {now} bytes, {got}…)</translation>
    </message>
    <message>
      <source>文件是空的（0 字节）</source>
      <translation>the file is empty (0 bytes)</translation>
    </message>
    <message>
      <source>无法读取：{e}</source>
      <translation>cannot be read: {e}</translation>
    </message>
    <message>
      <source>压缩结构损坏，文件可能没有下载或复制完整</source>
      <translation>the zip structure is damaged; the file may not have been downloaded or copied completely</translation>
    </message>
    <message>
      <source>“{name}”是符号链接（可能指向包外的文件）</source>
      <translation>“{name}” is a symbolic link (it may point to a file outside the package)</translation>
    </message>
    <message>
      <source>“{name}”是加密的，无法核对</source>
      <translation>“{name}” is encrypted and cannot be checked</translation>
    </message>
    <message>
      <source>“{name}”的压缩方式不支持</source>
      <translation>“{name}” uses an unsupported compression method</translation>
    </message>
    <message>
      <source>有两个同名的文件“{a}”和“{b}”（解压时一个会覆盖另一个）</source>
      <translation>two files have the same name, “{a}” and “{b}” (unpacked, one would overwrite the other)</translation>
    </message>
    <message>
      <source>解压后体积异常，将超过 {mb} MB（可能是恶意构造的文件）</source>
      <translation>it would unpack to more than {mb} MB (possibly a malicious file)</translation>
    </message>
    <message>
      <source>“{name}”解压后体积异常，压缩比 {ratio}:1，疑似“压缩炸弹”</source>
      <translation>“{name}” would unpack to an abnormal size, ratio {ratio}:1: probably a “zip bomb”</translation>
    </message>
    <message>
      <source>附件“{name}”无法解压（文件损坏）</source>
      <translation>Attachment “{name}” cannot be unpacked (damaged)</translation>
    </message>
    <message>
      <source>包中的报表无法解压（文件损坏）</source>
      <translation>the workbook in the package cannot be unpacked (damaged)</translation>
    </message>
    <message>
      <source>压缩结构损坏</source>
      <translation>the zip structure is damaged</translation>
    </message>
    <message>
      <source>位置“{key}”不对：{why}。写法：表单（1.1）、指标（1.1:指标代码）或表格的一行（1.1:表格代码#行号）；可用 ecodesk catalog --json 查看代码</source>
      <translation>the place “{key}” is wrong: {why}. Write a form (1.1), an indicator (1.1:indicator_code) or a table row (1.1:table_code#row); ecodesk catalog --json lists the codes</translation>
    </message>
    <message>
      <source>{form} {t}第{n}行</source>
      <translation>{form} {t}, row {n}</translation>
    </message>
    <message>
      <source>没有表单 {form}</source>
      <translation>there is no form {form}</translation>
    </message>
    <message>
      <source>本单位不填报表单 {form}</source>
      <translation>this unit does not report form {form}</translation>
    </message>
    <message>
      <source>冒号后的代码不对</source>
      <translation>the code after the colon is wrong</translation>
    </message>
    <message>
      <source>表单 {form} 没有指标 {code}</source>
      <translation>form {form} has no indicator {code}</translation>
    </message>
    <message>
      <source>表格的一行应写成 表单:表格#行号</source>
      <translation>a table row is written form:table#row</translation>
    </message>
    <message>
      <source>表单 {form} 没有表格 {t}</source>
      <translation>form {form} has no table {t}</translation>
    </message>
    <message>
      <source>表格“{t}”只有 {n} 行</source>
      <translation>table “{t}” has only {n} rows</translation>
    </message>
    <message>
      <source>指标 {code} 没有这一项</source>
      <translation>indicator {code} has no such part</translation>
    </message>
    <message>
      <source>文件太大（{size} MB），单个附件最大 {limit} MB。请压缩图片或只扫描需要的页后再添加</source>
      <translation>the file is too large ({size} MB); an attachment may have at most {limit} MB. Compress the images or scan only the pages needed, then add it again</translation>
    </message>
    <message>
      <source>无法确定数据文件夹，不能保存附件。</source>
      <translation>The data folder is unknown; attachments cannot be saved.</translation>
    </message>
    <message>
      <source>请写一句说明（如“项目验收报告”“现场照片”）</source>
      <translation>write a short description (such as “acceptance report” or “site photo”)</translation>
    </message>
    <message>
      <source>说明太长（最多 {n} 个字）</source>
      <translation>the description is too long (at most {n} characters)</translation>
    </message>
    <message>
      <source>文件名不能为空</source>
      <translation>the file name cannot be empty</translation>
    </message>
    <message>
      <source>这不是一个文件</source>
      <translation>this is not a file</translation>
    </message>
    <message>
      <source>本次报送的附件合计将达 {total} MB，超过上限 {limit} MB。请删去不必要的附件，或压缩后再添加</source>
      <translation>the attachments of this submission would come to {total} MB, over the limit of {limit} MB. Remove attachments that are not needed, or compress them first</translation>
    </message>
    <message>
      <source>找不到文件 {path}</source>
      <translation>file {path} not found</translation>
    </message>
    <message>
      <source>同一份文件已经作为“{other}”添加在 {place} 上（编号 {id}）</source>
      <translation>the same file is attached to {place} already, as “{other}” (number {id})</translation>
    </message>
    <message>
      <source>附件“{name}”在共用数据库中的副本已损坏（内容与记录的 SHA-256 {short} 不符），没有使用它，并已从数据库中删去这份坏副本。请在添加它的电脑上重新打开 EcoDesk（会自动重新上传），或删除该附件后重新添加。</source>
      <translation>The shared database's copy of attachment “{name}” is damaged (its content does not match the recorded SHA-256 {short}); it was not used, and the damaged copy was removed from the database. Open EcoDesk again on the computer that attached it (it uploads the file again), or remove the attachment and attach it again.</translation>
    </message>
    <message>
      <source>它所在的表格行已经删除，不能单独放回。撤销删除该行（Ctrl+Z）会把行和附件一起恢复</source>
      <translation>its table row was deleted, so it cannot be put back alone. Undoing the row's deletion (Ctrl+Z) brings back the row and its attachments together</translation>
    </message>
  </context>
  <context>
    <name>calendar</name>
    <message>
      <source>距截止还有 {n} 天</source>
      <translation>{n} days left</translation>
    </message>
    <message>
      <source>截止日期 {due}（{label}）</source>
      <translation>Due {due} ({label})</translation>
    </message>
    <message>
      <source>未开始</source>
      <translation>Not open yet</translation>
    </message>
    <message>
      <source>已逾期 {n} 天</source>
      <translation>{n} days overdue</translation>
    </message>
    <message>
      <source>今天截止</source>
      <translation>Due today</translation>
    </message>
    <message>
      <source>{opens} 开始填报，截止日期 {due}</source>
      <translation>Opens {opens}, due {due}</translation>
    </message>
  </context>
  <context>
    <name>catalog</name>
    <message>
      <source>主要目标</source>
      <translation>Main goals</translation>
    </message>
    <message>
      <source>达到“{state}”</source>
      <translation>reach "{state}"</translation>
    </message>
    <message>
      <source>显示行动方案的目标、重点任务、指标和各地专项任务</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>显示行动方案的目标、重点任务、牵头部门、指标目标值和各地专项任务。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>以 JSON 输出全部内容（供其他程序使用）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>完成省下达指标（填省下达目标和实际完成值，{unit}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{trend}（{unit}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{scope}，{unit}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>比率（{unit}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>选择：{choices}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>文字</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包版本 {version}（{released}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>重点任务</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>地方专项任务</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送单位</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送日历</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>填{num}÷{den}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>选填</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{period}：{opens} 开始填报，{due} 截止</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>牵头部门：{leads}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表 {form}：{due} 截止</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>地方专项 {places}：{title}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>指标 {text}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表格 {name}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{goal}（{deadline}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{goal}（{deadline}，{level}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>≥{value}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>突破{value}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>≤{value}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>={value}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{value}左右</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>清零</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>达到或好于{grade}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>完成</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>全市</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本地</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>各地均须达到</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>cli</name>
    <message>
      <source>已签名</source>
      <translation>Signed</translation>
    </message>
    <message>
      <source>程序内部错误，操作没有完成。详细情况已写入日志文件，请把它发给技术支持。</source>
      <translation>Internal error: the operation was not completed. The details are in the log file; please send it to technical support.</translation>
    </message>
    <message>
      <source>验证并汇总收到的签名报表</source>
      <translation>Verify and consolidate the signed workbooks received</translation>
    </message>
    <message>
      <source>逐个验证收到的工作簿，拒收无效的文件并说明原因；每个单位每个报送期只采用最新的有效修订版；生成汇总表（完成情况、各指标分单位数值和合计、目标和上年对比、提示说明、图表）。退出码：0 全部采用或正常搁置；1 有文件被拒收（汇总表仍会生成）；2 无法汇总或无法保存。</source>
      <translation>Verifies each workbook received, refuses invalid files with the reason, uses only the latest valid revision of each unit and period, and writes the summary (completeness, every indicator per unit with its total, targets and last year, explained warnings, charts). Exit code: 0 all used or rightly set aside; 1 some files refused (the summary is still written); 2 nothing could be consolidated or saved.</translation>
    </message>
    <message>
      <source>导入上年数据（签名报表或上年基数表）作为本年的上年值</source>
      <translation>Import last year's data (a signed workbook or the baseline template) as this year's previous values</translation>
    </message>
    <message>
      <source>先验证并预览，确认后一次写入（记入操作日志，可撤销）。上年签名报表需经签名验证；签名人未登记或文件属于其他单位时，必须确认（--yes）后才导入。</source>
      <translation>Verifies and previews first, then writes everything at once after confirmation (recorded in the audit log, can be undone). Last year's signed workbook must pass signature verification; an unregistered signer or a file of another unit needs an explicit confirmation.</translation>
    </message>
    <message>
      <source>上年签名报表或上年基数表（.xlsx）</source>
      <translation>last year's signed workbook or the baseline template (.xlsx)</translation>
    </message>
    <message>
      <source>把一期报送生成为 A4 报送单 PDF。已签名的版本印有签名指纹和二维码；未签名的版本每页标明“草稿”。</source>
      <translation>Prints a period's submission as an A4 submission sheet (PDF). A signed revision carries the signature fingerprint and a QR code; an unsigned one is marked "Draft" on every page.</translation>
    </message>
    <message>
      <source>区划代码 {code} 不在目录中，请用“ecodesk catalog”查看。</source>
      <translation>The division code {code} is not in the catalog; see "ecodesk catalog".</translation>
    </message>
    <message>
      <source>生成市级填写的上年基数表。各县用“ecodesk import-previous 文件”导入本县一列。</source>
      <translation>Writes the baseline template the city fills in. Each county imports its own column with "ecodesk import-previous FILE".</translation>
    </message>
    <message>
      <source>验证收到的签名报表</source>
      <translation>Verify the signed workbooks received</translation>
    </message>
    <message>
      <source>（空）</source>
      <translation>(empty)</translation>
    </message>
    <message>
      <source>  报送时效：{unit} {text}</source>
      <translation>  Timeliness: {unit} {text}</translation>
    </message>
    <message>
      <source>迟报原因：在截止日期之后导出时必须写明，随签名数据一起报送</source>
      <translation>reason for a late submission: required when exporting after the due date, sent with the signed data</translation>
    </message>
    <message>
      <source>另把 {n} 个附件文件存入了新数据库（各台电脑都能打开）。</source>
      <translation>Also stored {n} attachment files in the new database (every PC can open them).</translation>
    </message>
    <message>
      <source>登录口令：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>注意：{message}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>EcoDesk：赣州市生态文明建设行动方案报送程序（方案及表单来自市里签名下发的表单包）。不带子命令时打开窗口。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据文件夹（默认：环境变量 ECODESK_HOME，或用户数据文件夹）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>使用单位的 PostgreSQL 数据库服务器，如 postgresql://用户名:密码@服务器/数据库名（默认：环境变量 ECODESK_DATABASE_URL，或“设置 → 数据库”中保存的地址，否则用数据文件夹中的 SQLite 文件）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>以这个人的身份操作（启用了人员和角色的数据库需要登录）；口令取自环境变量 ECODESK_PASSWORD，否则在终端中询问</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>需要登录口令：请设置环境变量 ECODESK_PASSWORD，或在终端中运行以输入口令。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>错误：{message}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已取消。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>输出文件已存在时替换它（不加时不会覆盖任何已有文件）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送期，如 2026 或 2026Q3（默认：当前报送期）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已添加附件 [{id}] {name}（{kind}，{size}）到 {period}第{revision}版 {label}。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>添加附件（佐证材料）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>把一个文件作为佐证材料附在表单、指标或表格的一行上，并写一句说明。可添加 PDF、JPEG/PNG 图片、Word/Excel（docx、xlsx、doc、xls）、WPS（wps、et）和 OFD 文件；文件复制进数据文件夹，删除原文件不影响。签名导出时附件随报表一起签名，导出为报送包 .zip。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>附在哪里：表单（1.1）、指标（1.1:指标代码）或表格的一行（1.1:表格代码#行号）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>要添加的文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>说明（必填，如“项目验收报告”）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>列出附件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>列出一个报送期最新版本的附件：编号、位置、文件名、类型、大小、说明。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>以 JSON 输出</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>也列出已删除（可撤销删除）的附件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>删除附件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>从草稿中删除一个附件（编号见 ecodesk attachments）；已签名的版本不能删除。删除可以撤销：ecodesk detach 编号 --undo。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>附件编号</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>撤销删除，恢复该附件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{period}还没有附件。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（已删除）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>[{id}]{removed} {label}：{name}（{kind}，{size}，SHA-256 {short}）— {note}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已恢复附件 [{id}] {name}。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已删除附件 [{id}] {name}；如需恢复：ecodesk detach {id} --undo</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已备份到：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>备份数据（窗口开着也可以）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>把数据文件完整复制一份。不指定 --out 时放在数据文件夹的 backups 中。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>备份文件保存到哪里（文件，或放入的文件夹）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送期，如 2026 或 2026Q3（默认：文件中最新的报送期）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>收到 {n} 个文件：采用 {used} 个，拒收 {refused} 个，搁置 {aside} 个。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送期：{period}；汇总单位 {units} 个；指标 {indicators} 项。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>汇总表已保存：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>收到的 .xlsx 工作簿，或存放它们的文件夹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>密钥登记文件夹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>汇总表保存位置</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  [拒收：{label}] {name}：{reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  [版本冲突，未汇总] {name}：{reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  [注意] {name}：{warning}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  [{label}] {name}：{reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>错误：没有可以汇总的有效工作簿，未生成汇总表。请让报送单位重新签名报送。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>未收到报送：{names}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包：{sentence}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>注意：有 {n} 个文件被拒收，请联系相关单位重新报送。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>注意：有 {n} 个文件版本冲突（同一单位同一版本却是不同的签名数据），这些单位未汇总，请向其核实实际报送的是哪一份。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>注意：有 {n} 份报送的附件缺失或与签名不符（见上面的“注意”），请向相关单位索取完整的报送包。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  审核状态：{unit} {state}{revision}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（第{n}版）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已生成演示数据：{unit}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  {years}年度：已签名；{current}：已填完，{accepted} 条提示已写明说明，可直接签名。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据文件夹：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据文件：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>生成演示数据</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>在一个空的数据文件夹中生成一个县（市、区）牵头部门的演示数据：往年已签名，当年已填好、可直接签名。请配合 --data-dir 使用，不要放进正式数据文件夹。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>行政区划代码（默认 360730 宁都县）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  注意：仍有 {n} 处错误未通过检查。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{unit} {period}：第{old}版 → 第{new}版，{n} 处变化。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>比较同一单位两个修订版的差异</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>先验证两个报送工作簿，再列出每一处变化：指标值（旧 → 新）、修改过的章节文字和表格行。两个文件须是同一单位同一报送期的报送。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>较早的修订版</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>较新的修订版</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>只能比较验证有效的报送工作簿：{message}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>两个文件不是同一单位同一报送期的报送（{a} {pa}；{b} {pb}），无法比较。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>    旧：{text}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>    新：{text}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已签名导出 {period} 第{revision}版：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名密钥指纹：{fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据摘要：{digest}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名导出报送工作簿（.xlsx），有附件时导出报送包（.zip）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>检查并签名导出一个报送期的数据；导出后该版数据冻结。第一次签名时创建签名密钥。有附件（佐证材料）时导出为一个报送包 .zip（签名报表和“附件”文件夹）；给出 .xlsx 文件名时，报送包写在同一位置、同名的 .zip 中。口令取自环境变量 ECODESK_PASSPHRASE，否则在终端中询问。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>输出文件（或放入的文件夹，文件名按单位和报送期自动取）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>输出文件名应以 .xlsx 结尾（有附件时为报送包 .zip），例如 宁都县2026年度.xlsx。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已创建本单位签名密钥。请用 ecodesk keys export-public 导出登记文件报上级登记。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本版有 {n} 个附件，已导出为报送包（签名报表和附件在同一个 .zip 中），没有单独写 {asked}。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送包中有 {n} 个附件，请把这一个 .zip 文件整体上报。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>需要签名口令：请设置环境变量 ECODESK_PASSPHRASE，或在终端中运行以输入口令。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>设置签名口令（至少 8 个字符）：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名口令：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>只列出这一报送期（默认：全部）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已导入审核意见：{period}第{revision}版，{decision}。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已答复查询 {id}（{label}）。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>上级的审核意见：导入、查看查询、答复</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>导入上级（县牵头办或市里）签名的审核意见书，查看其中的查询并逐条答复。被退回或有查询时自动新建修订版；全部答复后才能再次签名导出。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>导入审核意见书</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核意见书</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>不再询问，直接导入</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>列出收到的审核意见和查询</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>答复一条查询</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>查询编号（见 feedback show）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>答复内容</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已新建第{new}版用于更正和答复；请用 ecodesk feedback show 查看查询，ecodesk feedback answer 编号 内容 逐条答复，然后重新签名导出。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>还没有导入过审核意见。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{period}第{revision}版  {reviewer}  {when}  {decision}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>退回原因：{reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  查询{n}  {label}（{key}）：{question}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>未导入，本机数据没有任何改动。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  退回原因：{reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>  [{id}] {state}  {label}（{key}）：{question}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>确认导入？[y/N] </source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>        答复：{answer}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>导入到哪个报送期（默认当前报送期），如 2026</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>只预览，不写入任何数据</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>不再询问，直接导入（包括签名人未登记、其他单位的文件）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>密钥登记文件夹（未在设置中指定 key_registry 时使用）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已有上年值与文件不同时保留已有值，只补充空缺</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>不把上年未完成的项目带入本年表格，不保留下步计划参考</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>预览中也列出与已有值相同的项</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>撤销编号为 ID 的导入</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请指定要导入的文件，例如：ecodesk import-previous 2025年报送.xlsx</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>
确认导入以上内容？[y/N] </source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已撤销导入 {id}，恢复为导入前的上年值和表格。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>
试运行（--dry-run）：没有写入任何数据。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>
文件中的上年值与本机已有的完全相同，没有需要导入的内容。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>
未导入：该文件属于{other}（{code}），不是本单位的。确属需要时请加 --yes 再运行。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>
签名人不在密钥登记中。确认这是可信的上年文件并导入？（将记入操作日志）[y/N] </source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>创建时间：{when}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已创建签名密钥，指纹：{fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请用 ecodesk keys export-public --out 文件夹 导出登记文件和登记表，报上级登记。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>密钥登记文件：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>密钥登记表（请打印、签字盖章后报上级）：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>指纹：{fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>新的签名口令（至少 8 个字符）：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已更换签名密钥，新指纹：{fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>旧密钥签署的工作簿仍可验证。请重新导出登记文件（ecodesk keys export-public），报上级登记新密钥。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已登记 {unit} 的签名密钥。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请与该单位盖章的纸质密钥登记表上的指纹逐组核对；不一致时不要导入其审核意见。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名密钥：查看、创建、导出登记文件、更换</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本单位的签名密钥。口令可由环境变量 ECODESK_PASSPHRASE 提供（更换密钥时新口令用 ECODESK_NEW_PASSPHRASE），否则在终端中询问。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>导出密钥登记文件和登记表（PDF），报上级登记</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>输出文件夹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>更换密钥（旧密钥签署的工作簿仍可验证）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>旧口令已遗忘：不验证旧口令，直接作废旧密钥</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>登记上级（县牵头办、市里）的签名密钥，以便导入其审核意见</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>登记上级的密钥登记文件（上级用 ecodesk keys export-public 生成）。登记前请把显示的指纹与上级盖章的纸质登记表逐组核对。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>密钥登记文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>需要签名口令：请设置环境变量 {env}，或在终端中运行以输入口令。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>两次输入的口令不一致，未作更改。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已更换的旧密钥：{fp}（{when} 停用）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>还没有填写单位信息，登记文件需要单位名称和代码：请先用 ecodesk profile 填写。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>当前签名口令：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>再输入一次：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>显示密钥指纹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>创建密钥（第一次签名导出时也会自动创建）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表 {form}：已退回修改（{comment}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>单位内审核：查看各表单的审核状态、审核通过、退回修改</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>启用人员和角色后，审核人逐张审核表单（审核通过或退回修改并写明意见），全部审核通过后单位负责人才能签名导出。审核后再修改的表单需要重新审核。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>列出各表单的审核状态</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核通过（审核人）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单代码，如 1.1</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>退回修改并写明意见（审核人）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>意见（填报人会看到）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{period}（当前版本）单位内审核：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（{person} {at}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表 {form}：已审核</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>方案：{title}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>年度：{first}—{last}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>编号：{id}  版本：{version}  发布：{released}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>内容摘要：{digest}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单：{n} 张</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>市里表单包密钥指纹：{fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包 {version} 检查通过：{n} 张表单，内容摘要 {digest}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已生成表单包 {path}（版本 {version}，{n} 个文件，未签名）。用 ecodesk pack sign 签名后下发。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已签名表单包 {path}（版本 {version}），签名指纹 {fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>确认安装这个表单包？[y/N] </source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已安装表单包 {version}。已填写的数据都保留；如需恢复原来的表单包：ecodesk pack install --undo</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已创建表单包签名密钥，指纹：{fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>公钥文件 {anchor} 随下一版程序发布（ecodesk/packs/city-anchor.json），或用 ecodesk pack sign --new-anchor 以旧密钥签名下发。密钥文件夹请离线保管，不要复制到县里的电脑。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包：查看、检查、生成、签名、比较、安装</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>市里签名下发的表单包（行动方案目录、表单、校验规则）。签名口令由环境变量 ECODESK_PASSPHRASE 提供，否则在终端中询问。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>显示正在使用的表单包（或一个表单包文件）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>检查表单包文件夹（错误按 文件:行 列出，有错时退出码非 0）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包文件夹（pack.yaml 所在）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>把表单包文件夹生成一个（未签名的）表单包文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包文件夹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>输出的表单包文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>用市里的表单包密钥签名表单包文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包文件（就地签名）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>市里的表单包密钥文件夹（ecodesk pack keygen 生成）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>更换市里的表单包密钥：新密钥的公钥文件（用旧密钥签名的表单包带上新密钥）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>比较两个表单包（文件夹或表单包文件）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>旧的表单包</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>新的表单包</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>安装市里下发的表单包（先核验签名并列出变化）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>不再询问，直接确认安装</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>撤销上一次表单包更新，恢复原来的表单包</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（市里）创建表单包签名密钥，在离线的签名电脑上运行</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>密钥文件夹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>密钥名称</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名有效（市里的表单包密钥）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包文件：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>生成时间：{when}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名：{verdict}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>市里下发、已安装</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>程序自带</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>正在使用的表单包：{source}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{period} 中已停用的字段（值保留在本机，不再导出）：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{dir} 不是表单包文件夹（其中没有 pack.yaml）。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>文件 {path} 已存在；如要覆盖，请加 --force。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>市里表单包密钥的口令：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>此表单包把市里的表单包密钥更换为 {fp}：安装后各县只接受新密钥签名的表单包。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请确认后再安装：加 --yes，或在终端中运行以回答确认问题。没有作任何更改。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已撤销表单包更新，现在使用表单包 {version}。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请给出要安装的表单包文件，或用 --undo 撤销上一次更新。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>注意：此表单包更换了市里的表单包密钥，以后只接受新密钥签名的表单包。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>未安装，没有作任何更改。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>设置表单包密钥口令（至少 8 个字符）：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>撤销时不需要给出表单包文件。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已停用</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{name} 的新口令（至少 8 个字符）：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已添加 {name}：{roles}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{name} 的角色：{roles}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{name} 的口令已修改。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已停用 {name}，不能再登录；修改记录中仍保留其姓名。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>人员和角色：填报人、审核人、单位负责人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>管理本单位的人员和角色。第一个账号必须是单位负责人，不需要登录即可建立；之后由单位负责人用 --user 登录后添加人员、调整角色、重设口令。新口令在终端中输入两次，脚本可用环境变量 ECODESK_NEW_PASSWORD。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>列出人员和角色</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>包括已停用的人员</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>添加一个人员</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>姓名（登录时使用）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>调整一个人员的角色</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>姓名</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>修改本人口令，或（单位负责人）重设他人口令</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>姓名（默认：--user 本人）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>停用一个人员（修改记录中保留其姓名）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>启用人员和角色（本机 SQLite 数据）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>关闭人员和角色（本机 SQLite 数据，单位负责人）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>角色：填报人、审核人、单位负责人（可重复，一人可兼多个角色）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>需要 {name} 的新口令：请设置环境变量 ECODESK_NEW_PASSWORD，或在终端中运行以输入口令。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>两次输入的口令不一致，没有保存。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>还没有人员账号。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（已停用）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>人员和角色：已启用，每人需登录。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>人员和角色：未启用（单人使用，不需登录）。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>这是第一个账号：人员和角色已启用，今后每人需登录（命令行用 --user 姓名）。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>人员和角色已启用，今后每人需登录。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>人员和角色已关闭：不需登录，导出不需单位内审核。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请用 --user 姓名 登录后再修改口令。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>原口令：</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>草稿，未签名</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送单已保存：{path}（{state}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>生成报送单 PDF（供单位负责人签字盖章）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>版本号（默认：最新版本）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>要保存的 PDF 文件（或放入的文件夹）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送单_{period}.pdf</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>填报单位（部门）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>填报人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>单位负责人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>联系电话</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>查看或修改填报单位信息</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>不带参数时显示当前填报单位信息；带参数时修改对应项。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>行政区划代码，如 360730</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>行政区划：{name}（{code}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已保存。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>还没有填写单位信息。请用 ecodesk profile --county 代码 --department 部门 填写。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>第一次填写单位信息时请用 --county 指定行政区划代码。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>备份文件：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>从备份文件恢复数据</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>先检查备份文件是否完好、是否为 EcoDesk 数据，再替换当前数据；当前数据会先另存到 backups 文件夹。恢复前请关闭 EcoDesk 窗口。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>备份文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>不再询问，直接恢复</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>未恢复，当前数据没有改动。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已恢复。数据库：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已恢复。数据文件：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>恢复前的数据已另存为：{path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>用它替换当前数据吗？当前数据会先另存一份。[y/N]</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已生成审核意见书：{path}（{unit} {period}第{revision}版，{decision}，查询 {n} 条）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请把审核意见书发给报送单位；对方须先登记本单位的密钥（ecodesk keys trust）。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核收到的报送：查询、退回或采用，生成签名的审核意见书</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>先验证报送（只有有效的报送才能审核），再用本单位的签名密钥生成审核意见书。KEY 的写法：表单（1.1）、指标（1.1:字段，见 ecodesk catalog --json）、章节（1.1:progress）、表格单元格（1.1:表格#行.列），* 表示整份报表。--suggest 列出程序已知的检查（与上年相比变化大、落后于方案目标）作为可用的查询。口令取自环境变量 ECODESK_PASSPHRASE，否则在终端中询问。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>收到的报送工作簿</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>采用该报送</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>退回修改，并写明原因</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>对某一位置提出查询（可多次使用）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>输出的审核意见书</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>只列出建议的查询（位置和问题），不生成文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>与 --suggest 一起用：收到的其他单位报表所在文件夹，列出与其他单位相差很大的数值</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请用 --out 指定审核意见书的文件名（.xlsx）。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>程序的检查没有发现需要查询的地方。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已复制 {n} 行数据：{source} → {target}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>以后要使用新的数据库，请在“设置 → 数据库”中填写它的地址，或运行 ecodesk --database 地址。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据库维护：把全部数据复制到另一个数据库（换用服务器或换回本机文件）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据库维护命令。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>把当前数据库的全部数据复制到 --to 指定的数据库</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>把当前使用的数据库（本机 SQLite 文件，或 --database 指定的服务器）中的全部数据（填报数据、各个版本、修改记录、设置、导入记录、签名密钥指纹）原样复制到另一个数据库。目标可以是 PostgreSQL 地址，也可以是 SQLite 文件路径。复制前请关闭所有 EcoDesk 窗口。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>目标数据库：postgresql://用户名:密码@服务器/数据库名，或 SQLite 文件路径</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>目标数据库已有数据时也复制（覆盖目标中的全部数据）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>目标数据库就是当前使用的数据库，没有复制。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>另复制了 {n} 个附件文件到新数据库所在的文件夹。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已生成上年基数表：{path}（{year}年度）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>生成空白模板（上年基数表）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>上年基数表：每个指标一行，每个县（市、区）一列</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>保存到的文件（或放入的文件夹）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据所属年度（默认上一年）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>逐个验证报送工作簿或审核意见书的签名、可见内容和签名密钥登记，并说明读到的是哪一种文件。全部有效时退出码为 0，否则为 1。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>要验证的 .xlsx 文件</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>列出每个文件的详细情况</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>上年基数表{year}.xlsx</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>请用 .xlsx 作为文件扩展名，例如 --out 上年基数表.xlsx</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>年度 {year} 不对，请填写四位年份，例如 2025。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>无法写入 {path}：{reason}。请换一个文件夹或关闭正在打开该文件的 Excel。</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>consolidation</name>
    <message>
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <source>上年</source>
      <translation>Last year</translation>
    </message>
    <message>
      <source>{name}为 0，无法计算比率。</source>
      <translation>{name} is 0; the rate cannot be computed.</translation>
    </message>
    <message>
      <source>【{unit}】</source>
      <translation>[{unit}]</translation>
    </message>
    <message>
      <source>不汇总，逐单位列示</source>
      <translation>No total; listed per unit</translation>
    </message>
    <message>
      <source>汇总表</source>
      <translation>Consolidated workbook</translation>
    </message>
    <message>
      <source>各单位相加</source>
      <translation>Sum of the units</translation>
    </message>
    <message>
      <source>分子之和 ÷ 分母之和（不是各单位比率的平均）</source>
      <translation>Sum of numerators ÷ sum of denominators (not the mean of the units' rates)</translation>
    </message>
    <message>
      <source>（未指定）</source>
      <translation>(not given)</translation>
    </message>
    <message>
      <source>{plan} 汇总表</source>
      <translation>{plan}: consolidation</translation>
    </message>
    <message>
      <source>是</source>
      <translation>Yes</translation>
    </message>
    <message>
      <source>否</source>
      <translation>No</translation>
    </message>
    <message>
      <source>各单位报送完成情况</source>
      <translation>Completeness of every unit's submission</translation>
    </message>
    <message>
      <source>图例：{legend}；“—”表示该单位不报送此表。</source>
      <translation>Legend: {legend}; "—" means the unit does not report this form.</translation>
    </message>
    <message>
      <source>区划代码</source>
      <translation>Division code</translation>
    </message>
    <message>
      <source>修订版</source>
      <translation>Revision</translation>
    </message>
    <message>
      <source>本期（{unit}）</source>
      <translation>This period ({unit})</translation>
    </message>
    <message>
      <source>本期</source>
      <translation>This period</translation>
    </message>
    <message>
      <source>序号</source>
      <translation>No.</translation>
    </message>
    <message>
      <source>同比变化（%）</source>
      <translation>Change on last year (%)</translation>
    </message>
    <message>
      <source>备注</source>
      <translation>Note</translation>
    </message>
    <message>
      <source>汇总方法：{rule}</source>
      <translation>Rule: {rule}</translation>
    </message>
    <message>
      <source>收到的文件及核验结果</source>
      <translation>Received files and their verification</translation>
    </message>
    <message>
      <source>已报</source>
      <translation>Submitted</translation>
    </message>
    <message>
      <source>未报</source>
      <translation>Missing</translation>
    </message>
    <message>
      <source>—</source>
      <translation>—</translation>
    </message>
    <message>
      <source>EcoDesk 生成于 {time}</source>
      <translation>Made by EcoDesk on {time}</translation>
    </message>
    <message>
      <source>报送期</source>
      <translation>Period</translation>
    </message>
    <message>
      <source>汇总单位数</source>
      <translation>Units consolidated</translation>
    </message>
    <message>
      <source>未报送单位数</source>
      <translation>Units not reporting</translation>
    </message>
    <message>
      <source>采用文件数</source>
      <translation>Files used</translation>
    </message>
    <message>
      <source>拒收文件数</source>
      <translation>Files refused</translation>
    </message>
    <message>
      <source>表单版本</source>
      <translation>Form pack version</translation>
    </message>
    <message>
      <source>生成时间</source>
      <translation>Made on</translation>
    </message>
    <message>
      <source>有 {n} 个文件被拒收，原因见“{sheet}”表。</source>
      <translation>{n} files were refused; the reasons are on the sheet "{sheet}".</translation>
    </message>
    <message>
      <source>省下达目标</source>
      <translation>Provincial target</translation>
    </message>
    <message>
      <source>是否达到目标</source>
      <translation>Target met</translation>
    </message>
    <message>
      <source>规划目标：{target}（{plan}）</source>
      <translation>Plan target: {target} ({plan})</translation>
    </message>
    <message>
      <source>合计</source>
      <translation>Total</translation>
    </message>
    <message>
      <source>完成进度</source>
      <translation>Progress</translation>
    </message>
    <message>
      <source>%（合计占规划目标的比例）</source>
      <translation>% (total as a share of the plan's target)</translation>
    </message>
    <message>
      <source>汇总表要保存为 .xlsx 文件，“{name}”不是。请改用 .xlsx 结尾的文件名。</source>
      <translation>The consolidated workbook must be saved as an .xlsx file, and "{name}" is not one. Use a file name ending in .xlsx.</translation>
    </message>
    <message>
      <source>文件夹“{folder}”不存在，请先创建它或另选保存位置。</source>
      <translation>The folder "{folder}" does not exist. Create it first or choose another place to save.</translation>
    </message>
    <message>
      <source>“{path}”是一个文件夹，请给出汇总表的文件名（.xlsx）。</source>
      <translation>"{path}" is a folder; give a file name for the consolidated workbook (.xlsx).</translation>
    </message>
    <message>
      <source>已汇总</source>
      <translation>Used</translation>
    </message>
    <message>
      <source>拒收</source>
      <translation>Refused</translation>
    </message>
    <message>
      <source>已被更新的修订版取代</source>
      <translation>Superseded by a newer revision</translation>
    </message>
    <message>
      <source>不属于本报送期</source>
      <translation>Another period</translation>
    </message>
    <message>
      <source>重复文件</source>
      <translation>Duplicate</translation>
    </message>
    <message>
      <source>未收到</source>
      <translation>Not received</translation>
    </message>
    <message>
      <source>部分单位无上年数据，上年合计只含有数据的单位</source>
      <translation>Some units have no figure for last year; last year's total covers only the units that have one</translation>
    </message>
    <message>
      <source>{period} 汇总表</source>
      <translation>{period} consolidation</translation>
    </message>
    <message>
      <source>已有更新的第{new}版（{name}），本文件第{old}版不再汇总。</source>
      <translation>Revision {new} ({name}) is newer; this file's revision {old} is no longer consolidated.</translation>
    </message>
    <message>
      <source>{name}：文件不存在或不是文件，请检查路径。</source>
      <translation>{name}: the file does not exist or is not a file; check the path.</translation>
    </message>
    <message>
      <source>没有找到要汇总的工作簿（.xlsx）。请指定收到的工作簿文件或所在文件夹。</source>
      <translation>No workbook (.xlsx) to consolidate was found. Give the received workbook files or their folder.</translation>
    </message>
    <message>
      <source>属于{other}，本次汇总的是{period}。</source>
      <translation>Belongs to {other}; this consolidation is of {period}.</translation>
    </message>
    <message>
      <source>还没有填写本单位信息，无法把汇总结果作为本单位的报送。请先在“单位信息”中填写。</source>
      <translation>Our unit's details are not filled in yet, so the consolidation cannot become our submission. Fill them in under "Unit details" first.</translation>
    </message>
    <message>
      <source>汇总结果没有报送期，无法写入本单位的报送。</source>
      <translation>The consolidation has no period, so it cannot be written into our unit's submission.</translation>
    </message>
    <message>
      <source>表单</source>
      <translation>Form</translation>
    </message>
    <message>
      <source>指标</source>
      <translation>Indicator</translation>
    </message>
    <message>
      <source>计量单位</source>
      <translation>Unit of measure</translation>
    </message>
    <message>
      <source>汇总方法</source>
      <translation>Rule</translation>
    </message>
    <message>
      <source>报送单位数</source>
      <translation>Units reporting</translation>
    </message>
    <message>
      <source>上年同口径</source>
      <translation>Last year, same units</translation>
    </message>
    <message>
      <source>规划目标</source>
      <translation>Plan target</translation>
    </message>
    <message>
      <source>完成进度（%）</source>
      <translation>Progress (%)</translation>
    </message>
    <message>
      <source>字段</source>
      <translation>Field</translation>
    </message>
    <message>
      <source>单位的说明</source>
      <translation>The unit's explanation</translation>
    </message>
    <message>
      <source>文件</source>
      <translation>File</translation>
    </message>
    <message>
      <source>处理</source>
      <translation>Outcome</translation>
    </message>
    <message>
      <source>原因或核验结果</source>
      <translation>Reason or verification result</translation>
    </message>
    <message>
      <source>提示内容</source>
      <translation>Warning</translation>
    </message>
    <message>
      <source>各单位已说明的提示</source>
      <translation>Warnings the units explained</translation>
    </message>
    <message>
      <source>已报（有已说明的提示）</source>
      <translation>Submitted (with explained warnings)</translation>
    </message>
    <message>
      <source>没有单位接受并说明过提示。</source>
      <translation>No unit accepted and explained a warning.</translation>
    </message>
    <message>
      <source>审核状态</source>
      <translation>Review state</translation>
    </message>
    <message>
      <source>合计口径</source>
      <translation>What the totals use</translation>
    </message>
    <message>
      <source>{name} 是审核意见书，不是报送工作簿，不参与汇总。</source>
      <translation>{name} is review feedback, not a submission; it is not consolidated.</translation>
    </message>
    <message>
      <source>版本冲突，未汇总</source>
      <translation>Revision conflict, not consolidated</translation>
    </message>
    <message>
      <source>每个指标一行、每个单位一列；合计按指标规则计算（比率指标为分子合计 ÷ 分母合计，不是各单位比率的平均），不可相加的指标不合计。各指标的明细见后面的分表。</source>
      <translation>One row per indicator, one column per unit; totals follow each indicator's rule (a rate is the sum of numerators ÷ the sum of denominators, not the average of the units' rates); indicators that cannot be added up have no total. The details of each indicator are on the sheets that follow.</translation>
    </message>
    <message>
      <source>有 {n} 个文件版本冲突（同一单位同一版本却是不同的签名数据），这些单位未汇总，详见“{sheet}”表。</source>
      <translation>{n} files have a revision conflict (the same revision of the same unit, but different signed data); these units were not consolidated. See the "{sheet}" sheet.</translation>
    </message>
    <message>
      <source>{period} 主要指标分单位汇总表</source>
      <translation>{period} main indicators by unit</translation>
    </message>
    <message>
      <source>与 {name} 是同一份签名数据（摘要 {digest}），只汇总一份。</source>
      <translation>Same signed data as {name} (digest {digest}); consolidated only once.</translation>
    </message>
    <message>
      <source>版本冲突：本文件（摘要 {digest}）与 {others} 都自称{unit}{period}第{revision}版，签名数据却不同。该单位本期未汇总，请向其核实实际报送的是哪一份。</source>
      <translation>Revision conflict: this file (digest {digest}) and {others} all claim to be revision {revision} of {unit} for {period}, but their signed data differ. This unit was not consolidated for this period; ask it which one it actually submitted.</translation>
    </message>
    <message>
      <source>行政区划代码 {code} 不在表单目录中，已按工作簿所写单位汇总，请核实该单位。</source>
      <translation>Division code {code} is not in the list of divisions; consolidated under the unit named in the workbook. Please check this unit.</translation>
    </message>
    <message>
      <source>附件有 {n} 处与签名不符（数据照常汇总）：{what}</source>
      <translation>{n} attachment problems (the figures are used all the same): {what}</translation>
    </message>
    <message>
      <source>填报内容</source>
      <translation>Claim</translation>
    </message>
    <message>
      <source>填报值</source>
      <translation>Value</translation>
    </message>
    <message>
      <source>应附佐证材料</source>
      <translation>Evidence required</translation>
    </message>
    <message>
      <source>依据</source>
      <translation>Basis</translation>
    </message>
    <message>
      <source>无佐证材料的填报</source>
      <translation>Claims without evidence</translation>
    </message>
    <message>
      <source>有 {n} 项填报需要佐证材料而未附（{units} 个单位），详见“{sheet}”表。</source>
      <translation>{n} claims need evidence that is not attached ({units} units); see the “{sheet}” sheet.</translation>
    </message>
    <message>
      <source>各单位的填报均附有所需的佐证材料。</source>
      <translation>Every unit's claims carry the evidence required.</translation>
    </message>
    <message>
      <source>（未说明）</source>
      <translation>(no explanation)</translation>
    </message>
    <message>
      <source>查询位置</source>
      <translation>Place queried</translation>
    </message>
    <message>
      <source>查询内容</source>
      <translation>Question</translation>
    </message>
    <message>
      <source>单位的答复</source>
      <translation>Unit's answer</translation>
    </message>
    <message>
      <source>查询状态</source>
      <translation>Query state</translation>
    </message>
    <message>
      <source>审核状态和查询</source>
      <translation>Review states and queries</translation>
    </message>
    <message>
      <source>{unit} 按表单包 {version} 填报，其中没有这些指标（不是漏报）：{names}</source>
      <translation>{unit} reported under form pack {version}, which does not have these indicators (not a missing report): {names}</translation>
    </message>
    <message>
      <source>{unit} 按表单包 {version}（摘要 {digest}）填报，本机没有该表单包，其中没有的指标显示为未报。</source>
      <translation>{unit} reported under form pack {version} (digest {digest}), which this computer does not have; indicators not in it show as not reported.</translation>
    </message>
    <message>
      <source>{unit} 按表单包 {version} 填报，本次汇总的指标都在其中。</source>
      <translation>{unit} reported under form pack {version}, which has every indicator of this consolidation.</translation>
    </message>
    <message>
      <source>按其他表单包填报的单位</source>
      <translation>Units that reported under another form pack</translation>
    </message>
    <message>
      <source>按时</source>
      <translation>On time</translation>
    </message>
    <message>
      <source>迟报 {n} 天</source>
      <translation>{n} days late</translation>
    </message>
    <message>
      <source>{label}（原因：{reason}）</source>
      <translation>{label} (reason: {reason})</translation>
    </message>
    <message>
      <source>未写明</source>
      <translation>not given</translation>
    </message>
    <message>
      <source>报送时效</source>
      <translation>Timeliness</translation>
    </message>
    <message>
      <source>迟报原因</source>
      <translation>Reason for lateness</translation>
    </message>
  </context>
  <context>
    <name>deadlines</name>
    <message>
      <source>{period}的报送截止日期是 {due}，{label}。请抓紧填报、检查并签名导出。</source>
      <translation>{period} is due on {due}: {label}. Please fill, check, sign and export it in time.</translation>
    </message>
  </context>
  <context>
    <name>dialog</name>
    <message>
      <location filename="../../ecodesk/ui/recovery.py" line="33" />
      <source>恢复完成</source>
      <translation>Restore complete</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/recovery.py" line="34" />
      <source>数据已从备份恢复，程序将继续打开。损坏的文件另存在：
{path}</source>
      <translation>The data was restored from the backup and the program will continue to open. The damaged file was saved to:
{path}</translation>
    </message>
    <message>
      <location filename="../../ecodesk/ui/recovery.py" line="35" />
      <source>（原来没有数据）</source>
      <translation>(there was no data before)</translation>
    </message>
  </context>
  <context>
    <name>export</name>
    <message>
      <source>{period}第{revision}版已经签名导出，数据已冻结。如需更正，请先新建修订版（写明更正原因），再签名导出。</source>
      <translation>Revision {revision} of {period} has already been signed and exported, and its data is frozen. To correct it, first create a new revision (giving the reason for the correction), then sign and export again.</translation>
    </message>
    <message>
      <source>还没有填写单位信息（行政区划、部门、填报人等），请先在“单位信息”中填写再导出。</source>
      <translation>The unit details (division, department, preparer…) are not filled in yet. Fill them in under "Unit details" before exporting.</translation>
    </message>
    <message>
      <source>无法确定数据文件夹，不能签名。</source>
      <translation>The data folder cannot be determined, so nothing can be signed.</translation>
    </message>
    <message>
      <source>  ……另有 {n} 个问题</source>
      <translation>  … and {n} more problems</translation>
    </message>
    <message>
      <source>还有 {n} 个错误需要改正，暂不能签名导出：</source>
      <translation>{n} errors must be corrected before the submission can be signed and exported:</translation>
    </message>
    <message>
      <source>{unit}{period}第{revision}版.xlsx</source>
      <translation>{unit} {period} revision {revision}.xlsx</translation>
    </message>
    <message>
      <source>上次签名导出在最后一步中断，而 {path} 已被其他文件占用；{period}第{revision}版的签名报表已保存为 {kept}。</source>
      <translation>The last signed export was cut short at its last step and {path} is now taken by another file; the signed workbook of {period}, revision {revision}, was saved as {kept}.</translation>
    </message>
    <message>
      <source>上次签名导出在最后一步中断，已补全：{period}第{revision}版的签名报表已保存到 {path}。</source>
      <translation>The last signed export was cut short at its last step and has been completed: the signed workbook of {period}, revision {revision}, is saved as {path}.</translation>
    </message>
    <message>
      <source>上次签名导出中断，签名报表没有保存下来；{period}第{revision}版已恢复为未签名，请重新签名导出。</source>
      <translation>The last signed export was cut short and its signed workbook was not saved; {period}, revision {revision}, is unsigned again. Please sign and export it again.</translation>
    </message>
    <message>
      <source>工作簿未能保存</source>
      <translation>the workbook could not be saved</translation>
    </message>
    <message>
      <source>导出中断，工作簿未保存</source>
      <translation>export cut short, workbook not saved</translation>
    </message>
    <message>
      <source>  {i}. 〔查询 {id}〕{label}：{question}</source>
      <translation>  {i}. [query {id}] {label}: {question}</translation>
    </message>
    <message>
      <source>{period}第{revision}版还没有签名，请用“签名并导出报表”。</source>
      <translation>Revision {revision} of {period} is not signed yet; use "Sign and export workbook".</translation>
    </message>
    <message>
      <source>  ……另有 {n} 条</source>
      <translation>  … and {n} more</translation>
    </message>
    <message>
      <source>请逐条答复（窗口中“答复”，或 ecodesk feedback answer 编号 答复内容）后再导出。</source>
      <translation>Answer each one ("Answer" in the window, or ecodesk feedback answer ID TEXT), then export.</translation>
    </message>
    <message>
      <source>还有 {n} 条审核查询没有答复，暂不能签名导出：</source>
      <translation>{n} review queries have no answer yet; the submission cannot be signed and exported:</translation>
    </message>
    <message>
      <source>{period}的截止日期是 {due}，现在导出已逾期 {n} 天，需要写明迟报原因：请在导出对话框中填写，或在命令行加 --late-reason 原因。</source>
      <translation>{period} was due on {due}; exporting now is {n} days late and needs a reason: give it in the export dialog, or add --late-reason REASON on the command line.</translation>
    </message>
  </context>
  <context>
    <name>feedback</name>
    <message>
      <source>第{revision}版已于 {when} 被{reviewer}{decision}</source>
      <translation>Revision {revision} was {decision} by {reviewer} on {when}</translation>
    </message>
    <message>
      <source>。</source>
      <translation>.</translation>
    </message>
    <message>
      <source>第{revision}版已于 {when} 被{reviewer}采用。</source>
      <translation>Revision {revision} was accepted by {reviewer} on {when}.</translation>
    </message>
    <message>
      <source>，原因：{reason}</source>
      <translation>; reason: {reason}</translation>
    </message>
    <message>
      <source>已建立第{new}版用于更正和答复：查询 {n} 条，待答复 {pending} 条。</source>
      <translation> Revision {new} was created for corrections and answers: {n} queries, {pending} still to answer.</translation>
    </message>
    <message>
      <source>退回</source>
      <translation>returned</translation>
    </message>
    <message>
      <source>提出查询</source>
      <translation>queried</translation>
    </message>
    <message>
      <source>查询（{label}）：{question}</source>
      <translation>Query ({label}): {question}</translation>
    </message>
    <message>
      <source>第{revision}版被{reviewer}退回：{reason}</source>
      <translation>Revision {revision} returned by {reviewer}: {reason}</translation>
    </message>
    <message>
      <source>不是审核意见书</source>
      <translation>not review feedback</translation>
    </message>
    <message>
      <source>{name} 是报送工作簿，不是审核意见书。</source>
      <translation>{name} is a submission, not review feedback.</translation>
    </message>
    <message>
      <source>收件单位不符</source>
      <translation>addressed to another unit</translation>
    </message>
    <message>
      <source>{name} 是给 {to}（{code}）的审核意见书，不是给本单位的，未导入。</source>
      <translation>{name} is feedback for {to} ({code}), not for this unit; not imported.</translation>
    </message>
    <message>
      <source>本单位未报送该版本</source>
      <translation>revision never sent</translation>
    </message>
    <message>
      <source>{name} 审核的是 {period}第{revision}版（数据摘要 {digest}），本单位没有签名报送过这一版，未导入。</source>
      <translation>{name} reviews {period}, revision {revision} (data digest {digest}), which this unit never signed and sent; not imported.</translation>
    </message>
    <message>
      <source>已过时</source>
      <translation>out of date</translation>
    </message>
    <message>
      <source>{name} 审核的是第{revision}版，本单位之后已报送第{latest}版，旧意见不再导入。</source>
      <translation>{name} reviews revision {revision}; this unit has since sent revision {latest}, so the old feedback is not imported.</translation>
    </message>
    <message>
      <source>已导入过</source>
      <translation>already imported</translation>
    </message>
    <message>
      <source>{name} 已经导入过，本机数据没有改动。</source>
      <translation>{name} was imported before; nothing was changed.</translation>
    </message>
    <message>
      <source>答复{reviewer}对第{revision}版的查询</source>
      <translation>Answers to the queries of {reviewer} on revision {revision}</translation>
    </message>
    <message>
      <source>{name} 是对第{revision}版的旧审核意见：{reviewer}已于 {when} 对第{later}版作出“{decision}”，旧意见不再导入。</source>
      <translation>{name} is old feedback on revision {revision}: {reviewer} decided "{decision}" on revision {later} on {when}, so it is not imported.</translation>
    </message>
    <message>
      <source>待答复</source>
      <translation>to answer</translation>
    </message>
    <message>
      <source>已答复</source>
      <translation>answered</translation>
    </message>
    <message>
      <source>已关闭</source>
      <translation>closed</translation>
    </message>
    <message>
      <source>没有编号为 {id} 的查询。用 ecodesk feedback show 查看各查询的编号。</source>
      <translation>There is no query {id}. ecodesk feedback show lists the queries' numbers.</translation>
    </message>
    <message>
      <source>答复不能为空，请写明核实情况或更正说明。</source>
      <translation>An answer cannot be empty: say what was checked or corrected.</translation>
    </message>
    <message>
      <source>答复太长（{n} 字），请控制在 {max} 字以内。</source>
      <translation>The answer is too long ({n} characters); keep it within {max}.</translation>
    </message>
    <message>
      <source>这条查询随采用意见送达，无需答复。</source>
      <translation>This query came with an acceptance and needs no answer.</translation>
    </message>
    <message>
      <source>{period}第{revision}版已签名导出，答复已随之报送，不能再修改。</source>
      <translation>{period}, revision {revision} is signed and exported; its answers went with it and cannot change.</translation>
    </message>
  </context>
  <context>
    <name>forms</name>
    <message>
      <source>没有字段 {key}</source>
      <translation>There is no field {key}</translation>
    </message>
    <message>
      <source>表单定义文件 {file} 有误（位置：{location}）：{problem}</source>
      <translation>The form definition file {file} has an error (at {location}): {problem}</translation>
    </message>
    <message>
      <source>没有代码为 {code} 的重点任务</source>
      <translation>There is no key task with code {code}</translation>
    </message>
    <message>
      <source>没有代码为 {code} 的行政区划或功能区</source>
      <translation>There is no division or functional zone with code {code}</translation>
    </message>
    <message>
      <source>表单 {form} 中没有字段 {code}</source>
      <translation>Form {form} has no field {code}</translation>
    </message>
    <message>
      <source>表单 {form} 中没有指标 {code}</source>
      <translation>Form {form} has no indicator {code}</translation>
    </message>
    <message>
      <source>文件不存在</source>
      <translation>the file does not exist</translation>
    </message>
    <message>
      <source>YAML 格式错误：{exc}</source>
      <translation>YAML syntax error: {exc}</translation>
    </message>
    <message>
      <source>没有代码为 {code} 的表单</source>
      <translation>There is no form with code {code}</translation>
    </message>
    <message>
      <source>整个文件</source>
      <translation>the whole file</translation>
    </message>
    <message>
      <source>表单定义文件 {file} 第 {line} 行有误（位置：{location}）：{problem}</source>
      <translation>Form definition file {file} is wrong at line {line} (at {location}): {problem}</translation>
    </message>
    <message>
      <source>文件过大（{kb} KB），不像表单定义</source>
      <translation>file too large ({kb} KB) for a form definition</translation>
    </message>
    <message>
      <source>文件名 {name} 不在表单包中</source>
      <translation>file name {name} is not inside the form pack</translation>
    </message>
    <message>
      <source>表单包中的文件超过 {n} 个</source>
      <translation>the form pack holds more than {n} files</translation>
    </message>
    <message>
      <source>不是 UTF-8 编码的文本，请用 UTF-8 保存</source>
      <translation>not UTF-8 text; save it as UTF-8</translation>
    </message>
    <message>
      <source>无法读取：{e}</source>
      <translation>cannot be read: {e}</translation>
    </message>
    <message>
      <source>文件是空的</source>
      <translation>the file is empty</translation>
    </message>
    <message>
      <source>YAML 别名（&amp; 和 *）展开后过大或引用了自身，不像表单定义：请直接写出内容</source>
      <translation>YAML aliases (&amp; and *) expand too far or refer to themselves, unlike a form definition: write the content out</translation>
    </message>
    <message>
      <source>键 {key} 重复（第 {first} 行已有），YAML 只会保留后一个</source>
      <translation>key {key} appears twice (already on line {first}); YAML would keep only the second</translation>
    </message>
    <message>
      <source>无法识别的值：{exc}</source>
      <translation>value not understood: {exc}</translation>
    </message>
  </context>
  <context>
    <name>import</name>
    <message>
      <source>状态</source>
      <translation>State</translation>
    </message>
    <message>
      <source>单位</source>
      <translation>Unit</translation>
    </message>
    <message>
      <source>找不到文件 {path}，请检查文件名和所在文件夹。</source>
      <translation>The file {path} cannot be found. Check the file name and its folder.</translation>
    </message>
    <message>
      <source>文件 {name} 是旧版 Excel（.xls）格式。请在 Excel 或 WPS 中“另存为”.xlsx 格式后再导入。</source>
      <translation>The file {name} is in the old Excel (.xls) format. Use "Save As" .xlsx in Excel or WPS, then import it.</translation>
    </message>
    <message>
      <source>文件 {name} 设置了打开密码，无法读取。请在 Excel 或 WPS 中打开它，取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存，再导入。</source>
      <translation>The file {name} is protected by a password and cannot be read. Open it in Excel or WPS, remove the password (File → Info → Protect Workbook → Encrypt with Password, clear it), save it, then import it.</translation>
    </message>
    <message>
      <source>文件 {name} 已损坏或不完整（{reason}），无法读取。请向发文单位重新索取该文件。</source>
      <translation>The file {name} is damaged or incomplete ({reason}) and cannot be read. Ask the sender for the file again.</translation>
    </message>
    <message>
      <source>文件 {name} 的内容异常（{reason}），为安全起见拒绝读取。这不是正常的 Excel 文件，请向发文单位核实后重新索取。</source>
      <translation>The content of the file {name} is abnormal ({reason}), so it was refused for safety. This is not a normal Excel file; check with the sender and ask for it again.</translation>
    </message>
    <message>
      <source>不能导入：{message} 请向报送单位索取原始签名文件。</source>
      <translation>Cannot import: {message} Ask the reporting unit for the original signed file.</translation>
    </message>
    <message>
      <source>文件中的数据属于{source}，不早于当前报送期{period}，不能作为上年基数导入。请选择更早年度的文件，或先切换报送期。</source>
      <translation>The data in the file belongs to {source}, which is not earlier than the current reporting period {period}, so it cannot be imported as last year's baseline. Choose a file of an earlier year, or switch the reporting period first.</translation>
    </message>
    <message>
      <source>导入前需要确认：{reasons} 确认后再导入；本机数据没有任何改动。</source>
      <translation>Confirmation needed before importing: {reasons} Confirm, then import; nothing on this computer was changed.</translation>
    </message>
    <message>
      <source>本机数据没有任何改动。</source>
      <translation> Nothing on this computer was changed.</translation>
    </message>
    <message>
      <source>新增</source>
      <translation>New</translation>
    </message>
    <message>
      <source>有变化</source>
      <translation>Changed</translation>
    </message>
    <message>
      <source>相同</source>
      <translation>Same</translation>
    </message>
    <message>
      <source>该工作簿的签名人不在密钥登记中，无法确认是谁签的</source>
      <translation>the workbook's signer is not in the key registry, so who signed it cannot be confirmed</translation>
    </message>
    <message>
      <source>该文件是{other}（{code}）的数据，不是本单位（{own}）的</source>
      <translation>the file holds the data of {other} ({code}), not of this unit ({own})</translation>
    </message>
    <message>
      <source>该指标已在新版表单中停用</source>
      <translation>the indicator was retired in the new forms</translation>
    </message>
    <message>
      <source>当前表单中没有这个指标</source>
      <translation>the current forms have no such indicator</translation>
    </message>
    <message>
      <source>本单位不填报此项</source>
      <translation>this unit does not report this item</translation>
    </message>
    <message>
      <source>已导入：{period}上年值 {n} 项（保留原值 {kept} 项），带入表格 {rows} 行，下步计划参考 {plans} 项。导入编号 {id}，如需撤销：ecodesk import-previous --undo {id}</source>
      <translation>Imported for {period}: {n} last-year values ({kept} existing values kept), {rows} table rows carried over, {plans} next-step plans for reference. Import number {id}; to undo it: ecodesk import-previous --undo {id}</translation>
    </message>
    <message>
      <source>文件：{path}</source>
      <translation>File: {path}</translation>
    </message>
    <message>
      <source>来源：{unit}（{code}），{period}的数据，导入为{now}的上年基数。</source>
      <translation>Source: {unit} ({code}), data of {period}, imported as last year's baseline for {now}.</translation>
    </message>
    <message>
      <source>验证：{message}</source>
      <translation>Verification: {message}</translation>
    </message>
    <message>
      <source>注意：{note}</source>
      <translation>Note: {note}</translation>
    </message>
    <message>
      <source>需要确认：{reason}。</source>
      <translation>Confirmation needed: {reason}.</translation>
    </message>
    <message>
      <source>一、将写入的上年值（{n} 项，另有 {same} 项与已有值相同）</source>
      <translation>1. Last year's values to be written ({n} items; {same} more equal the existing values)</translation>
    </message>
    <message>
      <source>二、不能导入的内容（{n} 项）</source>
      <translation>2. Content that cannot be imported ({n} items)</translation>
    </message>
    <message>
      <source>三、带入本年表格的未完成项目</source>
      <translation>3. Unfinished projects carried into this year's tables</translation>
    </message>
    <message>
      <source>四、上年“下步计划”作为本年参考：表单 {forms}</source>
      <translation>4. Last year's "next steps" as reference for this year: forms {forms}</translation>
    </message>
    <message>
      <source>指标代码</source>
      <translation>Indicator code</translation>
    </message>
    <message>
      <source>指标名称</source>
      <translation>Indicator name</translation>
    </message>
    <message>
      <source>原值</source>
      <translation>Old value</translation>
    </message>
    <message>
      <source>新值</source>
      <translation>New value</translation>
    </message>
    <message>
      <source>位置</source>
      <translation>Location</translation>
    </message>
    <message>
      <source>代码</source>
      <translation>Code</translation>
    </message>
    <message>
      <source>名称</source>
      <translation>Name</translation>
    </message>
    <message>
      <source>原因</source>
      <translation>Reason</translation>
    </message>
    <message>
      <source>，已清空“{cols}”待本年填写</source>
      <translation>; "{cols}" cleared for this year</translation>
    </message>
    <message>
      <source>  表单 {form}《{name}》：{n} 行{cleared}</source>
      <translation>  Form {form} "{name}": {n} rows{cleared}</translation>
    </message>
    <message>
      <source>文件过大：{mb} MB</source>
      <translation>the file is too large: {mb} MB</translation>
    </message>
    <message>
      <source>无法打开：{e}</source>
      <translation>it cannot be opened: {e}</translation>
    </message>
    <message>
      <source>压缩内容损坏</source>
      <translation>the compressed content is damaged</translation>
    </message>
    <message>
      <source>含有 XML 实体声明，疑似“XML 炸弹”</source>
      <translation>it declares XML entities, which looks like an "XML bomb"</translation>
    </message>
    <message>
      <source>内容无法解析</source>
      <translation>its content cannot be parsed</translation>
    </message>
    <message>
      <source>部件 {part} 含有 XML 实体声明，疑似“XML 炸弹”</source>
      <translation>the part {part} declares XML entities, which looks like an "XML bomb"</translation>
    </message>
    <message>
      <source>上年基数表（{year}年度）</source>
      <translation>Baseline sheet ({year})</translation>
    </message>
    <message>
      <source>{plan} 上年基数表（{year}年度）</source>
      <translation>{plan}: baseline sheet ({year})</translation>
    </message>
    <message>
      <source>填写说明：在本县（市、区）一列中填写{year}年度的正式数据，数字直接填写（百分比填 76.5 或 76.5%），灰色格表示该单位不填报此项。请勿修改 A 列“指标代码”，可以增加备注列或调整列的顺序。表单包版本 {version}。</source>
      <translation>How to fill it in: enter the official {year} figures in the column of your county-level division, numbers as they are (a percentage as 76.5 or 76.5%); a grey cell means the unit does not report that item. Do not change column A "Indicator code"; you may add note columns or reorder the columns. Form pack version {version}.</translation>
    </message>
    <message>
      <source>选填：{choices}</source>
      <translation>Choose: {choices}</translation>
    </message>
    <message>
      <source>请从下拉列表中选择。</source>
      <translation>Please choose from the drop-down list.</translation>
    </message>
    <message>
      <source>不是可选项</source>
      <translation>Not one of the choices</translation>
    </message>
    <message>
      <source>第{row}行</source>
      <translation>row {row}</translation>
    </message>
    <message>
      <source>找不到指标代码 {code}</source>
      <translation>no indicator has the code {code}</translation>
    </message>
    <message>
      <source>没有找到“{code}”或“{name}”列和“{header}”列的表头</source>
      <translation>no header was found for the "{code}" or "{name}" column and the "{header}" column</translation>
    </message>
    <message>
      <source>找不到指标“{name}”（代码和名称都对不上）</source>
      <translation>the indicator "{name}" cannot be found (neither code nor name matches)</translation>
    </message>
    <message>
      <source>“{value}”不是可选项（{choices}）之一</source>
      <translation>"{value}" is not one of the choices ({choices})</translation>
    </message>
    <message>
      <source>“{value}”不是数字（单元格格式可能被设成了日期或逻辑值），请改为数字</source>
      <translation>"{value}" is not a number (the cell may be formatted as a date or a true/false value); change it to a number</translation>
    </message>
    <message>
      <source>“{value}”应为整数</source>
      <translation>"{value}" should be a whole number</translation>
    </message>
    <message>
      <source>指标代码 {code} 已停用</source>
      <translation>the indicator code {code} is retired</translation>
    </message>
    <message>
      <source>指标代码 {code} 在当前表单中不存在</source>
      <translation>the indicator code {code} is not in the current forms</translation>
    </message>
    <message>
      <source>指标名称“{name}”对应多个指标，请填写 A 列指标代码</source>
      <translation>the indicator name "{name}" matches several indicators; fill in the indicator code in column A</translation>
    </message>
    <message>
      <source>“{value}”不是有效数字</source>
      <translation>"{value}" is not a valid number</translation>
    </message>
    <message>
      <source>与{other}重复，只采用第一次出现的值</source>
      <translation>repeats {other}; only the first value is used</translation>
    </message>
    <message>
      <source>单元格 {cell} 是公式（{formula}），但文件中没有保存计算结果。请在 Excel 或 WPS 中打开该文件，确认公式已计算后保存，再导入</source>
      <translation>cell {cell} is a formula ({formula}), but the file holds no computed result. Open the file in Excel or WPS, make sure the formula is computed, save it, then import it</translation>
    </message>
    <message>
      <source>单元格 {cell}：{reason}</source>
      <translation>cell {cell}: {reason}</translation>
    </message>
    <message>
      <source>导入 {name}（{kind}，{status}）：基数 {taken} 项，保留原值 {kept} 项，带入表格行 {rows} 行，下步计划参考 {plans} 项。导入编号 {id}。</source>
      <translation>Imported {name} ({kind}, {status}): {taken} baseline values, {kept} existing values kept, {rows} table rows carried over, {plans} next-step plans for reference. Import number {id}.</translation>
    </message>
    <message>
      <source>检查文件安全性</source>
      <translation>Checking the file is safe</translation>
    </message>
    <message>
      <source>识别文件类型</source>
      <translation>Recognising the file type</translation>
    </message>
    <message>
      <source>预览完成</source>
      <translation>Preview ready</translation>
    </message>
    <message>
      <source>签名人未登记，经操作人确认后导入（指纹见验证结果：{message}）。</source>
      <translation>Signer not registered; imported after the operator confirmed it (fingerprint in the verification result: {message}).</translation>
    </message>
    <message>
      <source>文件属于{other}（{code}），经操作人确认后导入。</source>
      <translation>The file belongs to {other} ({code}); imported after the operator confirmed it.</translation>
    </message>
    <message>
      <source>请先在“单位信息”中选择本单位（行政区划），再导入上年数据。本机数据没有任何改动。</source>
      <translation>First choose this unit (its division) under "Unit details", then import last year's data. Nothing on this computer was changed.</translation>
    </message>
    <message>
      <source>本单位的行政区划代码 {code} 不在表单目录中，请在“单位信息”中重新选择。本机数据没有任何改动。</source>
      <translation>This unit's division code {code} is not in the list of divisions; choose it again under "Unit details". Nothing on this computer was changed.</translation>
    </message>
    <message>
      <source>验证签名</source>
      <translation>Verifying the signature</translation>
    </message>
    <message>
      <source>读取上年基数表</source>
      <translation>Reading the baseline sheet</translation>
    </message>
    <message>
      <source>文件使用表单包 {old}，本程序为 {new}；已按指标代码对照表转换。</source>
      <translation>The file uses form pack {old} and this program {new}; it was converted with the indicator code mapping.</translation>
    </message>
    <message>
      <source>表中没有写明“基数年度”，按{year}年处理。</source>
      <translation>The sheet does not state its "baseline year"; {year} is assumed.</translation>
    </message>
    <message>
      <source>市级上年基数表（未签名），读取“{column}”列。</source>
      <translation>City baseline sheet (unsigned); the column "{column}" is read.</translation>
    </message>
    <message>
      <source>本单位一列中有 {n} 项空白，未导入。</source>
      <translation>{n} cells in this unit's column are blank and were not imported.</translation>
    </message>
    <message>
      <source>本机已有{period}已签名的报送，上年值以本机签名数据为准；导入的基数只作备查。</source>
      <translation>This computer already holds a signed submission for {period}; its signed data is used as last year's values, and the imported baseline is kept for reference only.</translation>
    </message>
    <message>
      <source>{period}的报送已签名，未完成的项目不能带入；如需带入请先新建更正版本。</source>
      <translation>The {period} submission is signed, so unfinished projects cannot be carried over; to carry them over, create a new revision first.</translation>
    </message>
    <message>
      <source>没有编号为 {id} 的导入记录，无法撤销。</source>
      <translation>There is no import number {id}, so nothing can be undone.</translation>
    </message>
    <message>
      <source>导入 {id} 已于 {at} 撤销过。</source>
      <translation>Import {id} was already undone on {at}.</translation>
    </message>
    <message>
      <source>{period}的基数在这次导入之后又被改动（可能是再次导入），不能撤销这次导入。请先撤销之后的导入。</source>
      <translation>The {period} baseline was changed after this import (perhaps by another import), so this import cannot be undone. Undo the later import first.</translation>
    </message>
    <message>
      <source>{period}的报送已签名，带入的表格行不能再撤销。</source>
      <translation>The {period} submission is signed, so the table rows carried over can no longer be undone.</translation>
    </message>
    <message>
      <source>撤销导入 {id}（{source}），恢复导入前的基数和表格。</source>
      <translation>Undo import {id} ({source}): restore the baseline and tables as they were before it.</translation>
    </message>
    <message>
      <source>没有“指标代码”或“指标名称”表头</source>
      <translation>there is no "Indicator code" or "Indicator name" header</translation>
    </message>
    <message>
      <source>签名有效</source>
      <translation>valid signature</translation>
    </message>
    <message>
      <source>签名人未登记</source>
      <translation>signer not registered</translation>
    </message>
    <message>
      <source>未签名</source>
      <translation>unsigned</translation>
    </message>
    <message>
      <source>上年基数表</source>
      <translation>baseline sheet</translation>
    </message>
    <message>
      <source>导入后又修改了表格“{table}”，撤销会丢掉这些修改，因此没有撤销。如确需撤销，请手工删除带入的行。</source>
      <translation>The table "{table}" was changed after the import and undoing would lose those changes, so nothing was undone. If it must be undone, delete the carried-over rows by hand.</translation>
    </message>
    <message>
      <source>导入后又修改了下步计划参考，不能撤销。</source>
      <translation>The next-step reference was changed after the import, so it cannot be undone.</translation>
    </message>
    <message>
      <source>表单 {form}</source>
      <translation>Form {form}</translation>
    </message>
    <message>
      <source>文件 {name} 不是 Excel 工作簿（.xlsx）。请选择上年的签名报表或市里下发的上年基数表。</source>
      <translation>The file {name} is not an Excel workbook (.xlsx). Choose last year's signed workbook or the baseline template issued by the city.</translation>
    </message>
    <message>
      <source>文件 {name} 既不是 EcoDesk 签名报表，也不是上年基数表（{reason}）。上年基数表可用“ecodesk template baseline --out 文件.xlsx”生成。</source>
      <translation>The file {name} is neither an EcoDesk signed workbook nor a baseline template ({reason}). A baseline template can be made with "ecodesk template baseline --out FILE.xlsx".</translation>
    </message>
    <message>
      <source>签名报表</source>
      <translation>signed workbook</translation>
    </message>
    <message>
      <source>……另有 {n} 处</source>
      <translation>…and {n} more</translation>
    </message>
    <message>
      <source>文件 {name} 中没有找到本单位可以导入的数值（空白 {blank} 项，无法采用 {bad} 项），没有导入任何内容。请确认本单位一列已经填写，并且是数字而不是外部链接或公式。</source>
      <translation>The file {name} has no value this unit can import ({blank} blank, {bad} unusable); nothing was imported. Check that this unit's column is filled in with numbers, not external links or formulas.</translation>
    </message>
    <message>
      <source>单元格 {cell} 的值取自外部链接或 DDE 公式（{formula}），文件中保存的只是上次打开时的旧结果，不能作为上年值。请把该单元格改为直接填写的数字后再导入</source>
      <translation>The value of cell {cell} comes from an external link or DDE formula ({formula}); the file holds only the result from when it was last opened, which cannot serve as last year's value. Type the number into the cell, then import again</translation>
    </message>
    <message>
      <source>已导入：{period}上年值 {n} 项（保留原值 {kept} 项），带入表格 {rows} 行，下步计划参考 {plans} 项。</source>
      <translation>Imported for {period}: {n} last-year values ({kept} existing values kept), {rows} table rows carried over, {plans} next-step plans for reference.</translation>
    </message>
    <message>
      <source>签名有效，但显示被改动</source>
      <translation>Signature valid, but display altered</translation>
    </message>
    <message>
      <source>签名有效，但附件缺失或不符</source>
      <translation>Signature valid, but attachments missing or not as signed</translation>
    </message>
  </context>
  <context>
    <name>keys</name>
    <message>
      <source>{what}“{key}”格式不对，应为“表单:代码”（如 1.1:upgraded_firms）。</source>
      <translation>{what} “{key}” is malformed: it should be “form:code” (e.g. 1.1:upgraded_firms).</translation>
    </message>
    <message>
      <source>文字说明编号</source>
      <translation>Narrative key</translation>
    </message>
    <message>
      <source>表格编号</source>
      <translation>Table key</translation>
    </message>
    <message>
      <source>表格单元格编号</source>
      <translation>Table cell key</translation>
    </message>
    <message>
      <source>字段编号</source>
      <translation>Field key</translation>
    </message>
    <message>
      <source>已接受提示编号</source>
      <translation>Accepted warning key</translation>
    </message>
    <message>
      <source>找不到密钥登记文件 {path}。</source>
      <translation>Key registration file {path} not found.</translation>
    </message>
    <message>
      <source>{name} 不是有效的 EcoDesk 密钥登记文件（应为上级用“导出本单位密钥登记表”生成的 *{suffix} 文件），未登记。</source>
      <translation>{name} is not a valid EcoDesk key registration file (it should be the *{suffix} file a unit makes for the level above with "Export this unit's key registration"); not registered.</translation>
    </message>
  </context>
  <context>
    <name>lock</name>
    <message>
      <source>{program}（进程号 {pid}，计算机 {host}，用户 {user}，自 {since} 起）</source>
      <translation>{program} (process {pid}, computer {host}, user {user}, since {since})</translation>
    </message>
    <message>
      <source>另一个 EcoDesk 程序（详情不明）</source>
      <translation>another EcoDesk program (no details known)</translation>
    </message>
    <message>
      <source>数据文件夹 {folder} 正在被另一个 EcoDesk 使用：{who}。为避免数据丢失，同一个数据文件夹同时只能由一个 EcoDesk 窗口或命令修改。请先关闭那个窗口或等命令结束后再试。</source>
      <translation>The data folder {folder} is in use by another EcoDesk: {who}. To avoid losing data, only one EcoDesk window or command at a time may change a data folder. Close that window or wait for the command to finish, then try again.</translation>
    </message>
    <message>
      <source>EcoDesk</source>
      <translation>EcoDesk</translation>
    </message>
  </context>
  <context>
    <name>numbers</name>
    <message>
      <source>（单位：{unit}）</source>
      <translation> (unit: {unit})</translation>
    </message>
    <message>
      <source>“{text}”不是一个确切的数字：请只填写数字{hint}，不要写“约”“左右”“以上”等字样，说明可写在工作进展中。</source>
      <translation>"{text}" is not an exact number: enter only the number{hint}, without words such as "about", "around" or "over"; explanations belong in the progress notes.</translation>
    </message>
    <message>
      <source>“{text}”是汉字数字，请改用阿拉伯数字填写{hint}，例如 1234.5。</source>
      <translation>"{text}" is written in Chinese numerals. Please use digits{hint}, for example 1234.5.</translation>
    </message>
    <message>
      <source>无法识别“{text}”：请只填写一个数字{hint}，例如 1234.5，可带小数点和千位分隔符。</source>
      <translation>Cannot read "{text}": enter a single number{hint}, for example 1234.5; a decimal point and thousands separators are allowed.</translation>
    </message>
    <message>
      <source>“{text}”带了 %，但本项单位是{unit}，不是百分比：请去掉 % 后按{unit}填写。</source>
      <translation>"{text}" has a %, but this item is measured in {unit}, not as a percentage: remove the % and enter it in {unit}.</translation>
    </message>
    <message>
      <source>“{text}”带了 %，但本项不是百分比：请去掉 % 只填数字。</source>
      <translation>"{text}" has a %, but this item is not a percentage: remove the % and enter just the number.</translation>
    </message>
    <message>
      <source>无法识别“{text}”中的“{suffix}”：本项单位是{unit}，请只填写数字。</source>
      <translation>Cannot read "{suffix}" in "{text}": the unit of this item is {unit}; enter just the number.</translation>
    </message>
    <message>
      <source>“{text}”用了“万”“亿”等换算，本项不接受：请按{unit}直接填写数字。</source>
      <translation>"{text}" uses a multiplier such as 万 (10,000) or 亿 (100,000,000), which this item does not accept: enter the number in {unit} directly.</translation>
    </message>
    <message>
      <source>未填写数字：请填写数字{hint}。</source>
      <translation>No number entered: please enter a number{hint}.</translation>
    </message>
    <message>
      <source>填写的内容太长，不是一个数字：请只填写一个数字{hint}。</source>
      <translation>The entry is too long to be a number: enter a single number{hint}.</translation>
    </message>
    <message>
      <source>“{text}”中的千位分隔符位置不对（应每三位一个，如 1,234,567）：请核对，或去掉分隔符只填数字{hint}。</source>
      <translation>The thousands separators in "{text}" are misplaced (one every three digits, as in 1,234,567): check it, or remove the separators and enter just the number{hint}.</translation>
    </message>
    <message>
      <source>（无单位）</source>
      <translation>none</translation>
    </message>
    <message>
      <source>个数</source>
      <translation>plain units</translation>
    </message>
  </context>
  <context>
    <name>office</name>
    <message>
      <source>审核表单</source>
      <translation>review forms</translation>
    </message>
    <message>
      <source>退回表单</source>
      <translation>return forms</translation>
    </message>
    <message>
      <source>待审核</source>
      <translation>To review</translation>
    </message>
    <message>
      <source>已审核</source>
      <translation>Reviewed</translation>
    </message>
    <message>
      <source>退回修改</source>
      <translation>Returned</translation>
    </message>
    <message>
      <source>已修改待复审</source>
      <translation>Changed, review again</translation>
    </message>
    <message>
      <source>等 {n} 张</source>
      <translation> ({n} in all)</translation>
    </message>
    <message>
      <source>还有 {n} 张表单没有审核通过，暂不能签名导出：{forms}{more}。请审核人逐张审核后再签名。</source>
      <translation>{n} forms are not reviewed yet, so the submission cannot be signed and exported: {forms}{more}. Ask the reviewer to review each of them, then sign.</translation>
    </message>
    <message>
      <source>表 {form} 是 {person} 本人在这一版中填写或修改的，请由另一位审核人审核。</source>
      <translation>{person} filled or changed form {form} in this revision; another reviewer should review it.</translation>
    </message>
    <message>
      <source>没有表单 {form}。表单代码如 G、1.1、7.2。</source>
      <translation>There is no form {form}. Form codes look like G, 1.1, 7.2.</translation>
    </message>
    <message>
      <source>意见最多 {n} 字，没有保存。请精简后再退回。</source>
      <translation>A comment has at most {n} characters; nothing was saved. Please shorten it and return the form again.</translation>
    </message>
    <message>
      <source>本人审核</source>
      <translation>reviewed own filling</translation>
    </message>
    <message>
      <source>退回修改时请写明意见（填报人会在表单上看到）。</source>
      <translation>Please write what should change (the filler sees it on the form).</translation>
    </message>
    <message>
      <source>{who} 已于 {when} 把表 {form} {decided}，您的决定没有保存。请看过后再决定。</source>
      <translation>{who} {decided} form {form} at {when}; your decision was not saved. Please look at it before deciding.</translation>
    </message>
    <message>
      <source>在您查看之后，{who} 于 {when} 修改了表 {form}（{n} 处），您的决定没有保存。窗口已显示这些修改，请核对后再审核。</source>
      <translation>After you looked at it, {who} changed form {form} at {when} ({n} changes); your decision was not saved. The window now shows the changes: please check them, then review.</translation>
    </message>
    <message>
      <source>审核通过</source>
      <translation>marked as reviewed</translation>
    </message>
    <message>
      <source>退回修改（{comment}）</source>
      <translation>returned ({comment})</translation>
    </message>
  </context>
  <context>
    <name>output</name>
    <message>
      <source>文件“{path}”已经存在，没有覆盖它。请换一个文件名；确实要替换时加 --force。</source>
      <translation>The file "{path}" already exists and was not overwritten. Choose another name, or add --force to replace it.</translation>
    </message>
  </context>
  <context>
    <name>packs</name>
    <message>
      <source>表单包文件 {name} 无法使用（{reason}），没有作任何更改。请向市里索取原文件。</source>
      <translation>Form pack file {name} cannot be used ({reason}); nothing was changed. Ask the city for the original file.</translation>
    </message>
    <message>
      <source>表单包文件 {name} 中的表单定义有误，没有作任何更改：{error}</source>
      <translation>The form definitions in form pack file {name} are wrong; nothing was changed: {error}</translation>
    </message>
    <message>
      <source>找不到文件</source>
      <translation>file not found</translation>
    </message>
    <message>
      <source>文件过大（{kb} KB）</source>
      <translation>file too large ({kb} KB)</translation>
    </message>
    <message>
      <source>不是 EcoDesk 表单包文件</source>
      <translation>not an EcoDesk form pack file</translation>
    </message>
    <message>
      <source>没有 manifest.json，不是 EcoDesk 表单包文件</source>
      <translation>no manifest.json: not an EcoDesk form pack file</translation>
    </message>
    <message>
      <source>文件清单与内容不一致（文件被增删过）</source>
      <translation>the file list does not match the contents (files were added or removed)</translation>
    </message>
    <message>
      <source>内容摘要与清单不一致</source>
      <translation>the content digest does not match the manifest</translation>
    </message>
    <message>
      <source>清单中的版本与 pack.yaml 不一致</source>
      <translation>the version in the manifest differs from pack.yaml</translation>
    </message>
    <message>
      <source>无法打开：{e}</source>
      <translation>cannot be opened: {e}</translation>
    </message>
    <message>
      <source>部件 {name} 出现两次</source>
      <translation>part {name} appears twice</translation>
    </message>
    <message>
      <source>解压后体积异常</source>
      <translation>it would unpack to an abnormal size</translation>
    </message>
    <message>
      <source>manifest.json 无法读取</source>
      <translation>manifest.json cannot be read</translation>
    </message>
    <message>
      <source>signature.json 无法读取</source>
      <translation>signature.json cannot be read</translation>
    </message>
    <message>
      <source>压缩结构损坏，文件可能没有下载或复制完整</source>
      <translation>the zip structure is damaged; the file may not have been downloaded or copied completely</translation>
    </message>
    <message>
      <source>文件 {name} 与清单不一致（被改动过）</source>
      <translation>file {name} does not match the manifest (it was altered)</translation>
    </message>
    <message>
      <source>包含不属于表单包的部件 {name}</source>
      <translation>it holds a part that does not belong in a form pack: {name}</translation>
    </message>
    <message>
      <source>方案</source>
      <translation>plan</translation>
    </message>
    <message>
      <source>表单</source>
      <translation>form</translation>
    </message>
    <message>
      <source>表单包 {old} → {new}：新增 {a} 项，删除 {r} 项，修改 {c} 项。</source>
      <translation>Form pack {old} → {new}: {a} added, {r} removed, {c} changed.</translation>
    </message>
    <message>
      <source>名称</source>
      <translation>name</translation>
    </message>
    <message>
      <source>标题</source>
      <translation>title</translation>
    </message>
    <message>
      <source>说明</source>
      <translation>introduction</translation>
    </message>
    <message>
      <source>单位</source>
      <translation>unit</translation>
    </message>
    <message>
      <source>填报说明</source>
      <translation>filling help</translation>
    </message>
    <message>
      <source>提示语</source>
      <translation>message</translation>
    </message>
    <message>
      <source>是否必填</source>
      <translation>required</translation>
    </message>
    <message>
      <source>下限</source>
      <translation>minimum</translation>
    </message>
    <message>
      <source>上限</source>
      <translation>maximum</translation>
    </message>
    <message>
      <source>小数位数</source>
      <translation>decimals</translation>
    </message>
    <message>
      <source>是否整数</source>
      <translation>whole number</translation>
    </message>
    <message>
      <source>统计口径</source>
      <translation>scope</translation>
    </message>
    <message>
      <source>汇总方式</source>
      <translation>aggregation</translation>
    </message>
    <message>
      <source>列</source>
      <translation>columns</translation>
    </message>
    <message>
      <source>选项</source>
      <translation>choices</translation>
    </message>
    <message>
      <source>适用地区</source>
      <translation>places it applies to</translation>
    </message>
    <message>
      <source>错误或提示</source>
      <translation>error or warning</translation>
    </message>
    <message>
      <source>比较对象</source>
      <translation>compared value</translation>
    </message>
    <message>
      <source>比较方式</source>
      <translation>comparison</translation>
    </message>
    <message>
      <source>是否按季度报送</source>
      <translation>quarterly</translation>
    </message>
    <message>
      <source>无目标</source>
      <translation>no target</translation>
    </message>
    <message>
      <source>指标</source>
      <translation>indicator</translation>
    </message>
    <message>
      <source>表格</source>
      <translation>table</translation>
    </message>
    <message>
      <source>规则</source>
      <translation>rule</translation>
    </message>
    <message>
      <source>截止日期</source>
      <translation>deadline</translation>
    </message>
    <message>
      <source>两个表单包的内容相同。</source>
      <translation>The two form packs have the same content.</translation>
    </message>
    <message>
      <source>新增</source>
      <translation>added</translation>
    </message>
    <message>
      <source>删除</source>
      <translation>removed</translation>
    </message>
    <message>
      <source>修改</source>
      <translation>changed</translation>
    </message>
    <message>
      <source>年度</source>
      <translation>years</translation>
    </message>
    <message>
      <source>目标</source>
      <translation>target</translation>
    </message>
    <message>
      <source>表单包版本 {new} 不比正在使用的版本 {current} 新，不能替换，没有作任何更改。如需回到上一个表单包，请用“撤销表单包更新”。</source>
      <translation>Form pack version {new} is not newer than {current} in use and cannot replace it; nothing was changed. To go back to the previous pack, use Undo form pack update.</translation>
    </message>
    <message>
      <source>表单包 {version} 已经在使用中，不需要再次安装。</source>
      <translation>Form pack {version} is already in use; there is nothing to install.</translation>
    </message>
    <message>
      <source>没有可以撤销的表单包更新。</source>
      <translation>There is no form pack update to undo.</translation>
    </message>
    <message>
      <source>表单包文件在确认期间被改动过，没有作任何更改，请重新选择。</source>
      <translation>The form pack file changed while you were confirming; nothing was changed. Please choose it again.</translation>
    </message>
    <message>
      <source>已安装的表单包无法通过核验，暂用程序自带的表单包：{reason}</source>
      <translation>The installed form pack fails verification; the program's own pack is used for now: {reason}</translation>
    </message>
    <message>
      <source>表单包 {name} 没有签名，不能安装，没有作任何更改。只能安装市里签名下发的表单包。</source>
      <translation>Form pack {name} is not signed and cannot be installed; nothing was changed. Only form packs the city signed can be installed.</translation>
    </message>
    <message>
      <source>表单包 {name} 的签名不符：文件在签名后被改动过，不能安装，没有作任何更改。请向市里索取原文件。</source>
      <translation>Form pack {name}'s signature does not match: the file was altered after signing and cannot be installed; nothing was changed. Ask the city for the original file.</translation>
    </message>
    <message>
      <source>表单包 {name} 不是用市里的表单包密钥签名的（签名指纹 {fp}，本程序认可的指纹 {anchor}），不能安装，没有作任何更改。</source>
      <translation>Form pack {name} is not signed with the city's form pack key (signed by {fp}; this program trusts {anchor}) and cannot be installed; nothing was changed.</translation>
    </message>
    <message>
      <source>表单包信任密钥文件 {path} 无法读取，请重新安装程序。</source>
      <translation>The form pack trust key file {path} cannot be read; please reinstall the program.</translation>
    </message>
    <message>
      <source>{opens} 开始，{due} 截止</source>
      <translation>opens {opens}, due {due}</translation>
    </message>
    <message>
      <source>截止 {old} → {new}</source>
      <translation>due {old} → {new}</translation>
    </message>
    <message>
      <source>开始 {old} → {new}</source>
      <translation>opens {old} → {new}</translation>
    </message>
    <message>
      <source>{period}（全部表单）</source>
      <translation>{period} (all forms)</translation>
    </message>
    <message>
      <source>{period} 表 {forms}</source>
      <translation>{period} forms {forms}</translation>
    </message>
    <message>
      <source>新提示语：{message}</source>
      <translation>new message: {message}</translation>
    </message>
  </context>
  <context>
    <name>people</name>
    <message>
      <source>没有“{text}”这个角色。角色是：填报人、审核人、单位负责人。</source>
      <translation>There is no role "{text}". The roles are: 填报人 (filler), 审核人 (reviewer), 单位负责人 (head).</translation>
    </message>
    <message>
      <source>本单位已启用人员和角色：请先登录再修改数据（窗口启动时登录；命令行加 --user 姓名，口令取自环境变量 ECODESK_PASSWORD 或在终端中输入）。</source>
      <translation>This office uses people and roles: sign in before changing anything (the window asks at start; on the command line add --user NAME, with the password in ECODESK_PASSWORD or typed in the terminal).</translation>
    </message>
    <message>
      <source>{person} 不是{role}，不能{action}。请由{role}操作，或请单位负责人在“设置 → 人员和角色”中调整角色。</source>
      <translation>{person} is not a {role} and cannot {action}. A {role} should do it, or the head of the unit can change the roles in Settings → People and roles.</translation>
    </message>
    <message>
      <source>姓名或口令不对，没有登录。口令区分大小写；忘记口令请找单位负责人重设。</source>
      <translation>Wrong name or password; nobody was signed in. Passwords are case-sensitive; the head of the unit can reset a forgotten one.</translation>
    </message>
    <message>
      <source>口令至少要 {n} 个字符，没有保存。</source>
      <translation>A password needs at least {n} characters; nothing was saved.</translation>
    </message>
    <message>
      <source>请填写姓名。</source>
      <translation>Please enter the name.</translation>
    </message>
    <message>
      <source>姓名最多 {n} 个字，没有保存。</source>
      <translation>A name has at most {n} characters; nothing was saved.</translation>
    </message>
    <message>
      <source>没有这些角色：{roles}。</source>
      <translation>No such roles: {roles}.</translation>
    </message>
    <message>
      <source>请至少选择一个角色（填报人、审核人、单位负责人）。</source>
      <translation>Please choose at least one role (filler, reviewer, head of unit).</translation>
    </message>
    <message>
      <source>调整角色</source>
      <translation>change roles</translation>
    </message>
    <message>
      <source>停用人员</source>
      <translation>stop accounts</translation>
    </message>
    <message>
      <source>没有名为“{name}”的人员。</source>
      <translation>There is nobody named "{name}".</translation>
    </message>
    <message>
      <source>这个数据库还没有建立人员账号，不需要 --user。单位负责人的账号用 ecodesk people add 姓名 --role 单位负责人 建立。</source>
      <translation>This database has no accounts yet, so --user is not needed. Create the head's account with: ecodesk people add NAME --role 单位负责人</translation>
    </message>
    <message>
      <source>填报人</source>
      <translation>filler</translation>
    </message>
    <message>
      <source>审核人</source>
      <translation>reviewer</translation>
    </message>
    <message>
      <source>单位负责人</source>
      <translation>head of unit</translation>
    </message>
    <message>
      <source>已有名为“{name}”的人员，没有重复添加。</source>
      <translation>There is already someone named "{name}"; nobody was added.</translation>
    </message>
    <message>
      <source>{name} 是唯一的单位负责人，不能取消这个角色。请先指定另一位单位负责人。</source>
      <translation>{name} is the only head of the unit and keeps that role. Make someone else a head first.</translation>
    </message>
    <message>
      <source>重设他人的口令</source>
      <translation>reset another person's password</translation>
    </message>
    <message>
      <source>{name} 是唯一的单位负责人，不能停用。请先指定另一位单位负责人。</source>
      <translation>{name} is the only head of the unit and cannot be stopped. Make someone else a head first.</translation>
    </message>
    <message>
      <source>第一个账号必须是单位负责人（由他/她再添加其他人员）。请为“{name}”选上单位负责人。</source>
      <translation>The first account must be the head of the unit's (who then adds the others). Give "{name}" the head role.</translation>
    </message>
    <message>
      <source>添加人员</source>
      <translation>add people</translation>
    </message>
    <message>
      <source>请先建立单位负责人的账号，再启用人员和角色。</source>
      <translation>Create the head of the unit's account first, then turn people and roles on.</translation>
    </message>
    <message>
      <source>共用的数据库服务器上每人都要登录，不能关闭人员和角色。</source>
      <translation>On a shared database server everyone signs in: people and roles cannot be turned off.</translation>
    </message>
    <message>
      <source>关闭人员和角色</source>
      <translation>turn people and roles off</translation>
    </message>
  </context>
  <context>
    <name>period</name>
    <message>
      <source>{year}年度</source>
      <translation>Year {year}</translation>
    </message>
    <message>
      <source>{year}年第{quarter}季度</source>
      <translation>Q{quarter} {year}</translation>
    </message>
    <message>
      <source>报送期“{text}”格式不对，应为年份（如 2026）或季度（如 2026Q3）。</source>
      <translation>The reporting period "{text}" is not valid: give a year (such as 2026) or a quarter (such as 2026Q3).</translation>
    </message>
  </context>
  <context>
    <name>printing</name>
    <message>
      <source>找不到打印用的中文字体（{path}），无法生成 PDF。请重新安装本程序。</source>
      <translation>The Chinese font for printing ({path}) is missing, so the PDF cannot be made. Please reinstall the program.</translation>
    </message>
    <message>
      <source>有一段内容太长，一页纸放不下，无法生成 PDF。请缩短过长的文字（例如表格中的某一格）后再试。</source>
      <translation>Some content is too long to fit on one page, so the PDF cannot be made. Shorten the over-long text (for example a cell of a table) and try again.</translation>
    </message>
    <message>
      <source>二维码要携带的内容太长（{n} 字节），无法生成 PDF。请检查单位名称、公钥等内容是否正确。</source>
      <translation>The content for the QR code is too long ({n} bytes), so the PDF cannot be made. Check that the unit name, public key and so on are correct.</translation>
    </message>
    <message>
      <source>无法读取 PDF 文件“{path}”：文件不存在或已损坏。</source>
      <translation>Cannot read the PDF file "{path}": it is missing or damaged.</translation>
    </message>
    <message>
      <source>还没有填写本单位信息（单位、部门、填报人），报送单无法打印。请先在“单位信息”中填写。</source>
      <translation>This unit's details (unit, department, preparer) are not filled in yet, so the submission sheet cannot be printed. Fill them in under "Unit details" first.</translation>
    </message>
  </context>
  <context>
    <name>recovery</name>
    <message>
      <source>备份</source>
      <translation>Backup</translation>
    </message>
    <message>
      <source>每日自动备份</source>
      <translation>Daily automatic backup</translation>
    </message>
    <message>
      <source>恢复前保存的数据</source>
      <translation>Data saved before a restore</translation>
    </message>
    <message>
      <source>升级前自动备份</source>
      <translation>Automatic backup before an upgrade</translation>
    </message>
  </context>
  <context>
    <name>review</name>
    <message>
      <source>{table} 第{n}行</source>
      <translation>{table} row {n}</translation>
    </message>
    <message>
      <source>查询位置“{key}”不对：{why}。写法：表单（1.1）、指标（1.1:字段）、章节（1.1:progress）或表格单元格（1.1:表格#行.列）；可用 ecodesk catalog --json 查看代码。</source>
      <translation>Query place "{key}" is wrong: {why}. Write a form (1.1), an indicator (1.1:field), a section (1.1:progress) or a table cell (1.1:table#row.column); ecodesk catalog --json lists the codes.</translation>
    </message>
    <message>
      <source>表{code} {title}</source>
      <translation>Form {code} {title}</translation>
    </message>
    <message>
      <source>{t} 第{n}行 {c}</source>
      <translation>{t} row {n} {c}</translation>
    </message>
    <message>
      <source>整份报表</source>
      <translation>the whole submission</translation>
    </message>
    <message>
      <source>这份报表没有表单 {form}</source>
      <translation>this submission has no form {form}</translation>
    </message>
    <message>
      <source>冒号后的代码不对</source>
      <translation>the code after the colon is wrong</translation>
    </message>
    <message>
      <source>表单 {form} 没有表格 {t}</source>
      <translation>form {form} has no table {t}</translation>
    </message>
    <message>
      <source>表格 {t} 没有列 {c}</source>
      <translation>table {t} has no column {c}</translation>
    </message>
    <message>
      <source>表格“{t}”只有 {n} 行</source>
      <translation>table "{t}" has only {n} rows</translation>
    </message>
    <message>
      <source>表单 {form} 没有指标或章节 {code}</source>
      <translation>form {form} has no indicator or section {code}</translation>
    </message>
    <message>
      <source>表格单元格应写成 表单:表格#行.列</source>
      <translation>a table cell is written form:table#row.column</translation>
    </message>
    <message>
      <source>退回修改</source>
      <translation>returned for correction</translation>
    </message>
    <message>
      <source>采用</source>
      <translation>accepted</translation>
    </message>
    <message>
      <source>查询（不退回）</source>
      <translation>queries (not returned)</translation>
    </message>
    <message>
      <source>合计使用各单位最新的有效修订版。审核状态为“已采用”的为最终数；其余（待审核、已退回、已重报）为暂用数，采用后以采用的版本为准。</source>
      <translation>Totals use each unit's newest valid revision. Figures of units in state "accepted" are final; the others (awaiting review, returned, resubmitted) are provisional until a revision is accepted.</translation>
    </message>
    <message>
      <source>未收到</source>
      <translation>not received</translation>
    </message>
    <message>
      <source>待审核</source>
      <translation>awaiting review</translation>
    </message>
    <message>
      <source>已退回</source>
      <translation>returned</translation>
    </message>
    <message>
      <source>已重报</source>
      <translation>resubmitted</translation>
    </message>
    <message>
      <source>已采用</source>
      <translation>accepted</translation>
    </message>
    <message>
      <source>请核实并说明原因。</source>
      <translation>Please check and explain.</translation>
    </message>
    <message>
      <source>（单位已说明：{text}）</source>
      <translation> (the unit explained: {text})</translation>
    </message>
    <message>
      <source>只能审核验证有效的报送，未生成审核意见书。{message}</source>
      <translation>Only a valid submission can be reviewed; no feedback was written. {message}</translation>
    </message>
    <message>
      <source>{name} 不是报送工作簿（是{kind}），不能审核。</source>
      <translation>{name} is not a submission (it is {kind}) and cannot be reviewed.</translation>
    </message>
    <message>
      <source>采用的报送不能再提查询：有疑问时请只提查询或退回，答复后再采用。</source>
      <translation>An accepted submission takes no queries: query or return it, and accept it once answered.</translation>
    </message>
    <message>
      <source>审核意见书的文件名应以 .xlsx 结尾。</source>
      <translation>The feedback file name must end in .xlsx.</translation>
    </message>
    <message>
      <source>审核意见书不能覆盖所审核的报送文件，请换一个文件名。</source>
      <translation>The feedback cannot overwrite the submission it reviews; choose another file name.</translation>
    </message>
    <message>
      <source>还没有填写本单位信息（审核意见书要写明审核单位），请先用 ecodesk profile 填写。</source>
      <translation>This unit's profile is not filled in yet (the feedback names the reviewing office); fill it in with ecodesk profile first.</translation>
    </message>
    <message>
      <source>查询“{key}”没有写问题。</source>
      <translation>Query "{key}" has no question.</translation>
    </message>
    <message>
      <source>查询“{key}”的问题太长。</source>
      <translation>The question of query "{key}" is too long.</translation>
    </message>
    <message>
      <source>{unit}{period}第{revision}版已经采用，不能再审核更早或相同的版本。</source>
      <translation>{unit}, {period}: revision {revision} is already accepted; an earlier or the same revision cannot be reviewed again.</translation>
    </message>
    <message>
      <source>“{label}”为 {value}{unit}，其他 {n} 个单位的中位数为 {median}{unit}，相差较大。请核实口径并说明原因。</source>
      <translation>"{label}" is {value}{unit}; the median of {n} other units is {median}{unit}, far from it. Please check how it was counted and explain.</translation>
    </message>
    <message>
      <source>{subject}为“{value}”，未附佐证材料（{what}）。</source>
      <translation>{subject} is “{value}” with no evidence attached ({what}). </translation>
    </message>
    <message>
      <source>请补附佐证材料，或说明原因。</source>
      <translation>Please attach the evidence or explain why it is missing.</translation>
    </message>
    <message>
      <source>退回必须写明原因：请写明要单位核实或更正什么。</source>
      <translation>A return needs a reason: write what the unit must check or correct.</translation>
    </message>
    <message>
      <source>请给出审核结论：采用、退回（写明原因），或至少提一条查询。</source>
      <translation>Give a decision: accept, return (with a reason), or raise at least one query.</translation>
    </message>
  </context>
  <context>
    <name>rules</name>
    <message>
      <source>{label}有 {n} 字，超过 Excel 单元格最多 {max} 字的限制，导出的报表无法完整保存。请精简，或分成几行填写。</source>
      <translation>{label} has {n} characters, more than the {max} an Excel cell holds: the exported report could not keep it whole. Please shorten it or split it over several rows.</translation>
    </message>
    <message>
      <source>上年</source>
      <translation>last year</translation>
    </message>
    <message>
      <source>“{label}”</source>
      <translation>"{label}"</translation>
    </message>
    <message>
      <source>“{label}”是{start}年以来的累计数，不能小于上期（{period}）的 {last}，目前填的是 {value}。请核对是否填成了本年新增数。</source>
      <translation>"{label}" is a cumulative total since {start} and cannot be less than the previous period's {last} ({period}); {value} was entered. Please check whether only this year's increase was entered.</translation>
    </message>
    <message>
      <source>“{table}”第 {row} 行的“{column}”</source>
      <translation>"{column}" in row {row} of "{table}"</translation>
    </message>
    <message>
      <source>增长</source>
      <translation>up</translation>
    </message>
    <message>
      <source>下降</source>
      <translation>down</translation>
    </message>
    <message>
      <source>不大于</source>
      <translation>at most</translation>
    </message>
    <message>
      <source>小于</source>
      <translation>less than</translation>
    </message>
    <message>
      <source>不小于</source>
      <translation>at least</translation>
    </message>
    <message>
      <source>大于</source>
      <translation>greater than</translation>
    </message>
    <message>
      <source>等于</source>
      <translation>equal to</translation>
    </message>
    <message>
      <source>{subject}应为整数，填的是 {value}，请去掉小数部分。</source>
      <translation>{subject} must be a whole number, but {value} was entered. Please remove the decimal part.</translation>
    </message>
    <message>
      <source>“{label}”本年新增 {this}（累计 {value} 减上年累计 {last}），比上年新增的 {previous}{direction} {pct}%，超过 {threshold}%。</source>
      <translation>"{label}": this year's increase is {this} (cumulative {value} minus last year's cumulative {last}), {direction} {pct}% on last year's increase of {previous}, more than {threshold}%.</translation>
    </message>
    <message>
      <source>“{label}”为 {value}，{last}为 {previous}，与上年相比{direction} {pct}%，超过 {threshold}%。</source>
      <translation>"{label}" is {value} and {last} it was {previous}: {direction} {pct}% on last year, more than {threshold}%.</translation>
    </message>
    <message>
      <source>“{den}”为 0，无法计算“{name}”，请填写大于 0 的数。</source>
      <translation>"{den}" is 0, so "{name}" cannot be computed. Please enter a number greater than 0.</translation>
    </message>
    <message>
      <source>“{num}”（{n}）大于“{den}”（{d}），“{name}”会超过 100%，请核对两个数是否填反或多输了一位。</source>
      <translation>"{num}" ({n}) is greater than "{den}" ({d}), so "{name}" would exceed 100%. Please check whether the two figures are swapped or one has an extra digit.</translation>
    </message>
    <message>
      <source>未完成省下达指标：“{name}”实际完成 {actual}，省下达目标为 {target}（{rule}）。</source>
      <translation>Provincial target not met: "{name}" actually reached {actual} against a provincial target of {target} ({rule}).</translation>
    </message>
    <message>
      <source>“{name}”为 {value}，上年为 {previous}，{moved}，与行动方案“{wanted}”的要求相反（{plan}）。</source>
      <translation>"{name}" is {value} and last year it was {previous}: {moved}, contrary to the action plan's requirement of "{wanted}" ({plan}).</translation>
    </message>
    <message>
      <source>“{name}”为 {value}，未达到“{grade}或更好”的目标（{plan}）。</source>
      <translation>"{name}" is {value}, short of the target "{grade} or better" ({plan}).</translation>
    </message>
    <message>
      <source>“{label}”为 {value}，按从{base_when}的 {base} 到{year}年目标 {goal} 的均衡进度，本期应达到 {expected}左右，进度落后（{plan}）。</source>
      <translation>"{label}" is {value}. On an even path from {base} ({base_when}) to the {year} target of {goal}, this period should be about {expected}: progress is behind schedule ({plan}).</translation>
    </message>
    <message>
      <source>“{label}”为 {value}，未达到目标：{plan}。</source>
      <translation>"{label}" is {value}, which does not meet the target: {plan}.</translation>
    </message>
    <message>
      <source>{label}未填写，请填写或删除该行。</source>
      <translation>{label} is not filled in. Please fill it in or delete the row.</translation>
    </message>
    <message>
      <source>（{what}为 {sum}，填报的总数为 {total}）</source>
      <translation> ({what} is {sum}; the total entered is {total})</translation>
    </message>
    <message>
      <source>（表中列了 {rows} 行，填报的数量为 {total}）</source>
      <translation> (the table lists {rows} rows; the number entered is {total})</translation>
    </message>
    <message>
      <source>{form}:{code} 不是比率指标</source>
      <translation>{form}:{code} is not a ratio indicator</translation>
    </message>
    <message>
      <source>“{label}”填的“{text}”不是可选项，请从以下选项中选择：{choices}。</source>
      <translation>"{text}" entered for "{label}" is not one of the choices. Please choose one of: {choices}.</translation>
    </message>
    <message>
      <source>“{label}”：{reason}</source>
      <translation>"{label}": {reason}</translation>
    </message>
    <message>
      <source>{what}“{label}”{hint}。</source>
      <translation>{what} "{label}"{hint}.</translation>
    </message>
    <message>
      <source>“{label}”最多 {max} 字，目前 {n} 字，请精简。</source>
      <translation>"{label}" allows at most {max} characters and has {n}. Please shorten it.</translation>
    </message>
    <message>
      <source>{subject}为 {value}%，百分比应在 0 到 100 之间，请核对是否多输了一位。</source>
      <translation>{subject} is {value}%, but a percentage must be between 0 and 100. Please check for an extra digit.</translation>
    </message>
    <message>
      <source>{subject}不能为负数（填的是 {value}），请核对。</source>
      <translation>{subject} cannot be negative ({value} was entered). Please check it.</translation>
    </message>
    <message>
      <source>{subject}为 {value}，不能小于 {low}，请核对。</source>
      <translation>{subject} is {value} and cannot be less than {low}. Please check it.</translation>
    </message>
    <message>
      <source>稳步提升</source>
      <translation>steady improvement</translation>
    </message>
    <message>
      <source>持续下降</source>
      <translation>continued decrease</translation>
    </message>
    <message>
      <source>稳中向好</source>
      <translation>stable or improving</translation>
    </message>
    <message>
      <source>{year}年底</source>
      <translation>end of {year}</translation>
    </message>
    <message>
      <source>{year}年</source>
      <translation>{year}</translation>
    </message>
    <message>
      <source>{label}填的“{text}”不是可选项，请从以下选项中选择：{choices}。</source>
      <translation>"{text}" entered for {label} is not one of the choices. Please choose one of: {choices}.</translation>
    </message>
    <message>
      <source>{label}：{reason}</source>
      <translation>{label}: {reason}</translation>
    </message>
    <message>
      <source>“{table}”中“{column}”的合计</source>
      <translation>the total of "{column}" in "{table}"</translation>
    </message>
    <message>
      <source>（{left}为 {lv}，{right}为 {rv}）</source>
      <translation> ({left} is {lv}, {right} is {rv})</translation>
    </message>
    <message>
      <source>（{subject}为 {value}，应{op} {bound}）</source>
      <translation> ({subject} is {value}; it should be {op} {bound})</translation>
    </message>
    <message>
      <source>请核对并改正。</source>
      <translation> Please check and correct it.</translation>
    </message>
    <message>
      <source>请填写“{name}”：{hint}</source>
      <translation>Please fill in "{name}": {hint}</translation>
    </message>
    <message>
      <source>表单 {form} 中没有表格 {table}</source>
      <translation>Form {form} has no table {table}</translation>
    </message>
    <message>
      <source>请选择</source>
      <translation>Please choose</translation>
    </message>
    <message>
      <source>请填写</source>
      <translation>Please fill in</translation>
    </message>
    <message>
      <source>{subject}为 {value}，应在 {low} 到 {high} 之间{unit}，请核对是否多输了一位。</source>
      <translation>{subject} is {value}, but it should be between {low} and {high}{unit}. Please check for an extra digit.</translation>
    </message>
    <message>
      <source>{subject}为 {value}，不能大于 {high}，请核对是否多输了一位。</source>
      <translation>{subject} is {value} and cannot be more than {high}. Please check for an extra digit.</translation>
    </message>
    <message>
      <source>“{table}”的行数</source>
      <translation>the number of rows in "{table}"</translation>
    </message>
    <message>
      <source>“{name}”至少 {min} 字，目前 {n} 字，请补充：{hint}</source>
      <translation>"{name}" needs at least {min} characters and has {n}. Please add more: {hint}</translation>
    </message>
    <message>
      <source>上年同期</source>
      <translation>in the same period last year</translation>
    </message>
    <message>
      <source>不低于目标为完成</source>
      <translation>met when not below the target</translation>
    </message>
    <message>
      <source>不高于目标为完成</source>
      <translation>met when not above the target</translation>
    </message>
    <message>
      <source>比上年上升</source>
      <translation>up on last year</translation>
    </message>
    <message>
      <source>比上年下降</source>
      <translation>down on last year</translation>
    </message>
    <message>
      <source>“{name}”最多 {max} 字，目前 {n} 字，请精简。</source>
      <translation>"{name}" allows at most {max} characters and has {n}. Please shorten it.</translation>
    </message>
    <message>
      <source>（单位：{unit}）</source>
      <translation> (unit: {unit})</translation>
    </message>
    <message>
      <source>请核对；如数据无误，请接受此提示并说明原因。</source>
      <translation> Please check it; if the figure is right, accept this warning and give the reason.</translation>
    </message>
    <message>
      <source>“{name}”要求{deadline}完成（{plan}），本期填报为“{value}”，已超过期限。如确未完成，请接受此提示并说明原因和预计完成时间；如已完成，请改为“{done}”。</source>
      <translation>"{name}" was due by {deadline} ({plan}), but this period reports "{value}", past the deadline. If it is really not finished, accept this warning and give the reason and the expected completion date; if it is finished, change it to "{done}".</translation>
    </message>
    <message>
      <source>如数据无误，请接受此提示并说明原因。</source>
      <translation> If the figure is right, accept this warning and give the reason.</translation>
    </message>
    <message>
      <source>{claimed}，需附佐证材料（{what}）。请添加附件；如暂时没有，请接受此提示并说明原因。</source>
      <translation>{claimed}: evidence is required ({what}). Please attach it; if you do not have it yet, accept this warning and explain why.</translation>
    </message>
    <message>
      <source>“{table}”第 {row} 行</source>
      <translation>“{table}” row {row}</translation>
    </message>
    <message>
      <source>{subject}已列入名单</source>
      <translation>{subject} is listed</translation>
    </message>
    <message>
      <source>{subject}为“{value}”</source>
      <translation>{subject} is “{value}”</translation>
    </message>
    <message>
      <source>已列入名单</source>
      <translation>listed</translation>
    </message>
    <message>
      <source>（{name}）</source>
      <translation> ({name})</translation>
    </message>
  </context>
  <context>
    <name>signing</name>
    <message>
      <source>本单位还没有签名密钥。第一次签名导出时会创建密钥，请设置一个口令（至少 8 个字符）。</source>
      <translation>This unit has no signing key yet. The key is created at the first signed export; choose a passphrase (at least 8 characters).</translation>
    </message>
    <message>
      <source>签名口令不正确，密钥没有解锁。请检查口令（注意大小写和输入法全角/半角）后重试；如果口令确实遗忘，请用“更换密钥”重新生成密钥，并把新的密钥登记表报上级。</source>
      <translation>The passphrase is wrong, so the key was not unlocked. Check the passphrase (mind upper and lower case and full-width/half-width input) and try again; if it is really forgotten, use "Replace key" to make a new key and send the new key registration sheet to the level above.</translation>
    </message>
    <message>
      <source>本单位已有签名密钥（指纹 {fp}）。如需更换，请使用“更换密钥”，旧密钥签署的工作簿仍可验证。</source>
      <translation>This unit already has a signing key (fingerprint {fp}). To replace it, use "Replace key"; workbooks signed with the old key can still be verified.</translation>
    </message>
    <message>
      <source>签名密钥文件 {path} 已损坏，无法读取。请从备份恢复数据文件夹，或更换密钥并重新报上级登记。</source>
      <translation>The signing key file {path} is damaged and cannot be read. Restore the data folder from a backup, or replace the key and register it again with the level above.</translation>
    </message>
    <message>
      <source>密钥登记文件夹 {path} 不存在。请指定存放各单位密钥登记文件（*{suffix}）的文件夹。</source>
      <translation>The key registry folder {path} does not exist. Choose the folder holding the units' key registration files (*{suffix}).</translation>
    </message>
    <message>
      <source>签名口令太短：至少需要 {n} 个字符（空格不计）。请设置一个只有经办人知道、不易猜到的口令。</source>
      <translation>The passphrase is too short: at least {n} characters (spaces not counted). Choose one only the person in charge knows and that is hard to guess.</translation>
    </message>
  </context>
  <context>
    <name>storage</name>
    <message>
      <source>无法读写“{path}”（{detail}）。请检查磁盘和保存位置后重试。</source>
      <translation>Cannot read or write "{path}" ({detail}). Check the disk and the location, then try again.</translation>
    </message>
    <message>
      <source>无法写入“{path}”：所在的磁盘或文件夹是只读的（例如写保护的 U 盘）。数据没有损坏；请换一个可以写入的位置，或解除写保护后重试。</source>
      <translation>Cannot write "{path}": the disk or folder is read-only (a write-protected USB stick, for example). No data is damaged; choose a location that can be written, or remove the write protection and try again.</translation>
    </message>
    <message>
      <source>无法写入“{path}”：磁盘空间已满。数据没有损坏；请删除不需要的文件腾出空间，或换一个磁盘后重试。</source>
      <translation>Cannot write "{path}": the disk is full. No data is damaged; delete files you do not need, or use another disk, and try again.</translation>
    </message>
    <message>
      <source>无法访问“{path}”：没有权限。数据没有损坏；请换一个文件夹，或请管理员给当前用户读写权限。</source>
      <translation>Cannot access "{path}": permission denied. No data is damaged; choose another folder, or ask an administrator to give this user read and write access.</translation>
    </message>
    <message>
      <source>“{path}”所在的文件夹不存在（或路径中有一段不是文件夹），请先创建文件夹或另选位置。</source>
      <translation>The folder of "{path}" does not exist (or part of the path is not a folder); create the folder first or choose another location.</translation>
    </message>
    <message>
      <source>“{path}”是一个文件夹，请给出文件名。</source>
      <translation>"{path}" is a folder; please give a file name.</translation>
    </message>
    <message>
      <source>原因不明</source>
      <translation>unknown reason</translation>
    </message>
    <message>
      <source>无法写入“{path}”：文件正被其他程序（如 Excel、WPS 或 PDF 阅读器）打开。请关闭该文件后重试。</source>
      <translation>Cannot write “{path}”: the file is open in another program (Excel, WPS or a PDF reader). Please close it and try again.</translation>
    </message>
    <message>
      <source>无法写入“{path}”：该文件可能正被其他程序（如 Excel、WPS 或 PDF 阅读器）打开，或没有写入权限。请关闭该文件后重试，或另存到其他文件夹。数据没有损坏。</source>
      <translation>Cannot write “{path}”: the file may be open in another program (Excel, WPS or a PDF reader), or there is no permission to write it. Please close the file and try again, or save to another folder. The data is not damaged.</translation>
    </message>
  </context>
  <context>
    <name>store</name>
    <message>
      <source>说明有 {n} 字，超过 Excel 单元格最多 {max} 字的限制，未保存。请精简后再接受。</source>
      <translation>The explanation has {n} characters, more than the {max} an Excel cell holds; it was not saved. Please shorten it and accept the warning again.</translation>
    </message>
    <message>
      <source>已检查</source>
      <translation>Checked</translation>
    </message>
    <message>
      <source>已签名</source>
      <translation>Signed</translation>
    </message>
    <message>
      <source>不是数据库文件</source>
      <translation>not a database file</translation>
    </message>
    <message>
      <source>完整性检查未通过（{detail}）</source>
      <translation>the integrity check failed ({detail})</translation>
    </message>
    <message>
      <source>草稿</source>
      <translation>draft</translation>
    </message>
    <message>
      <source>填报单位：{unit}</source>
      <translation>Reporting unit: {unit}</translation>
    </message>
    <message>
      <source>最后修改时间（UTC）：{at}</source>
      <translation>Last changed (UTC): {at}</translation>
    </message>
    <message>
      <source>数据库结构损坏（{exc}）</source>
      <translation>the database structure is damaged ({exc})</translation>
    </message>
    <message>
      <source>还没有数据文件，无需备份</source>
      <translation>there is no data file yet, so there is nothing to back up</translation>
    </message>
    <message>
      <source>数据结构版本（{rev}）不是本程序认识的版本</source>
      <translation>its data structure version ({rev}) is not one this program knows</translation>
    </message>
    <message>
      <source>文件不存在</source>
      <translation>the file does not exist</translation>
    </message>
    <message>
      <source>这就是正在使用的数据文件</source>
      <translation>it is the data file in use</translation>
    </message>
    <message>
      <source>  {period}：第 {revision} 版，{status}</source>
      <translation>  {period}: revision {revision}, {status}</translation>
    </message>
    <message>
      <source>这不是 EcoDesk 的数据文件</source>
      <translation>it is not an EcoDesk data file</translation>
    </message>
    <message>
      <source>无法读取（{exc}）</source>
      <translation>it cannot be read ({exc})</translation>
    </message>
    <message>
      <source>未填写</source>
      <translation>not filled in</translation>
    </message>
    <message>
      <source>无</source>
      <translation>none</translation>
    </message>
    <message>
      <source>{period} 的第 {revision} 版报送已签名，不能再修改。如需更正，请新建一个更正版本（写明更正原因）后在新版本中修改。</source>
      <translation>Revision {revision} of the {period} submission is signed and can no longer be changed. To correct it, create a new revision (giving the reason for the correction) and make the changes there.</translation>
    </message>
    <message>
      <source>数据文件 {path} 已损坏，无法打开{detail}。请不要继续使用它：用“ecodesk restore 备份文件”从备份恢复（自动备份在 {backups} 文件夹中，按日期命名），恢复前当前文件会另存一份。如没有可用备份，请联系技术支持。</source>
      <translation>The data file {path} is damaged and cannot be opened{detail}. Do not keep using it: restore from a backup with "ecodesk restore BACKUP-FILE" (automatic backups are in the folder {backups}, named by date); the current file is saved aside before restoring. If there is no usable backup, contact technical support.</translation>
    </message>
    <message>
      <source>数据文件 {path} 由更新版本的 EcoDesk 创建（数据结构版本 {revision}），本程序无法读取。请安装最新版本的 EcoDesk 后再打开。</source>
      <translation>The data file {path} was made by a newer version of EcoDesk (data structure version {revision}) and this program cannot read it. Install the latest version of EcoDesk, then open it again.</translation>
    </message>
    <message>
      <source>{period} 的第 {revision} 版尚未签名，可以直接修改，不需要新建更正版本。</source>
      <translation>Revision {revision} of {period} is not signed yet: change it directly, no new revision is needed.</translation>
    </message>
    <message>
      <source>字段编号“{key}”格式不对（应为“表单:字段”，如 1.1:upgraded_firms），未保存。</source>
      <translation>The field key "{key}" is malformed (it should be "form:field", such as 1.1:upgraded_firms); nothing was saved.</translation>
    </message>
    <message>
      <source>不能用 {path} 恢复：{reason}。当前数据没有任何改动。请换一个备份文件（自动备份在数据文件夹的 backups 中）。</source>
      <translation>Cannot restore from {path}: {reason}. The current data was not changed. Choose another backup file (automatic backups are in the backups folder of the data folder).</translation>
    </message>
    <message>
      <source>（{detail}）</source>
      <translation> ({detail})</translation>
    </message>
    <message>
      <source>不是 EcoDesk 的数据文件</source>
      <translation>not an EcoDesk data file</translation>
    </message>
    <message>
      <source>未知用户</source>
      <translation>unknown user</translation>
    </message>
    <message>
      <source>没有这些表单：{codes}。请从表单目录中选择。</source>
      <translation>These forms do not exist: {codes}. Choose from the list of forms.</translation>
    </message>
    <message>
      <source>请写明接受此提示的理由（说明会随报表一同报送）。</source>
      <translation>Please give the reason for accepting this warning (the explanation is submitted with the workbook).</translation>
    </message>
    <message>
      <source>请写明更正原因（会记录在新版本中并随报表报送）。</source>
      <translation>Please give the reason for the correction (it is recorded in the new revision and submitted with the workbook).</translation>
    </message>
    <message>
      <source>{period} 还没有第 {revision} 版报送。</source>
      <translation>{period} has no revision {revision} yet.</translation>
    </message>
    <message>
      <source>{n} 项，来源 {source}（签名：{status}）</source>
      <translation>{n} items from {source} (signature: {status})</translation>
    </message>
    <message>
      <source>{period} 没有第 {revision} 版报送。</source>
      <translation>{period} has no revision {revision}.</translation>
    </message>
    <message>
      <source>数据结构与 EcoDesk 的不一致：{what}</source>
      <translation>The data structure differs from EcoDesk's: {what}</translation>
    </message>
    <message>
      <source>磁盘空间不足（剩余 {free} MB，备份需要约 {needed} MB）：今天的自动备份没有做，程序照常使用。请尽快删除不需要的文件腾出空间，再用“备份数据”备份一次。</source>
      <translation>Not enough disk space ({free} MB free, the backup needs about {needed} MB): today's automatic backup was not made; the program works as usual. Please free some space soon, then make a backup with "Back up data".</translation>
    </message>
    <message>
      <source>今天的自动备份没有做，程序照常使用：{reason}</source>
      <translation>Today's automatic backup was not made; the program works as usual: {reason}</translation>
    </message>
    <message>
      <source>含有 EcoDesk 不会创建的触发器（{names}），恢复后它会暗中改写数据</source>
      <translation>it has triggers EcoDesk never creates ({names}), which would silently change data after a restore</translation>
    </message>
    <message>
      <source>视图不符（{names}）</source>
      <translation>views differ ({names})</translation>
    </message>
    <message>
      <source>缺少数据表 {table}</source>
      <translation>table {table} is missing</translation>
    </message>
    <message>
      <source>多出数据表 {table}</source>
      <translation>extra table {table}</translation>
    </message>
    <message>
      <source>索引不符（{names}）</source>
      <translation>indexes differ ({names})</translation>
    </message>
    <message>
      <source>数据表 {table} 缺少列 {columns}</source>
      <translation>table {table} lacks the columns {columns}</translation>
    </message>
    <message>
      <source>数据表 {table} 的列与 EcoDesk 的不同</source>
      <translation>the columns of table {table} differ from EcoDesk's</translation>
    </message>
    <message>
      <source>（空）</source>
      <translation>(empty)</translation>
    </message>
    <message>
      <source>数据库正忙（其他人正在保存大量数据），这次没有保存成功；已保存的内容不受影响。请稍等片刻再保存一次。</source>
      <translation>The database is busy (someone else is saving a lot of data), so this save did not succeed; what was already saved is not affected. Please wait a moment and save again.</translation>
    </message>
    <message>
      <source>{preparer}（电脑用户 {os_user}）</source>
      <translation>{preparer} (computer user {os_user})</translation>
    </message>
    <message>
      <source>其他人</source>
      <translation>someone else</translation>
    </message>
    <message>
      <source>“{key}”在您修改期间已被 {who} 于 {when} 改为“{theirs}”（您开始修改时是“{base}”）。您输入的“{mine}”没有保存：请核对后决定保留哪个值。</source>
      <translation>While you were editing, "{key}" was changed by {who} at {when} to "{theirs}" (it was "{base}" when you started). Your entry "{mine}" was not saved: check and decide which value to keep.</translation>
    </message>
    <message>
      <source>单位信息中“{start}…”太长（最多 {limit} 个字），没有保存。请简写后再保存。</source>
      <translation>"{start}…" in the unit details is too long (at most {limit} characters) and was not saved. Please shorten it and save again.</translation>
    </message>
    <message>
      <source>{period}第{revision}版在签名过程中又被修改了（可能有另一个程序同时在改这份数据），这次签名作废，没有导出文件，数据也没有冻结。请确认数据无误后重新签名导出。</source>
      <translation>{period} revision {revision} was changed while it was being signed (perhaps another program is editing the same data). This signing is void: no file was exported and the data was not frozen. Please check the data, then sign and export again.</translation>
    </message>
    <message>
      <source>数据库地址“{text}”格式不对。PostgreSQL 数据库请写成 postgresql://用户名:密码@服务器:5432/数据库名，本机 SQLite 文件请写文件路径。</source>
      <translation>The database address "{text}" is not in the right format. For a PostgreSQL database write postgresql://username:password@server:5432/databasename; for a local SQLite file write the file path.</translation>
    </message>
    <message>
      <source>连接不上数据库服务器（{address}）。请检查网络、服务器地址和端口，确认数据库服务器已开机运行；仍不行请联系单位的网管。已保存的数据不受影响。</source>
      <translation>Cannot connect to the database server ({address}). Check the network, the server address and port, and that the database server is switched on and running; if it still fails, contact your unit's IT administrator. Data already saved is not affected.</translation>
    </message>
    <message>
      <source>数据库服务器（{address}）拒绝登录：用户名或密码不对，或这个用户没有权限。请向单位的网管核对数据库地址中的用户名和密码。</source>
      <translation>The database server ({address}) refused the login: wrong user name or password, or this user has no permission. Check the user name and password in the database address with your unit's IT administrator.</translation>
    </message>
    <message>
      <source>数据库用户没有使用这个数据库的权限（{address}）。请网管按说明书把数据库的所有者设为这个用户（ALTER DATABASE … OWNER TO …），或授予它权限。</source>
      <translation>The database user has no permission to use this database ({address}). Ask the IT administrator to make this user the owner of the database as the manual describes (ALTER DATABASE … OWNER TO …), or to grant it permission.</translation>
    </message>
    <message>
      <source>数据库服务器上没有这个数据库（{address}）。请核对地址中的数据库名，或请网管按说明书先建好数据库（CREATE DATABASE）。</source>
      <translation>This database does not exist on the database server ({address}). Check the database name in the address, or ask the IT administrator to create the database first as the manual describes (CREATE DATABASE).</translation>
    </message>
    <message>
      <source>数据库 {address} 里已有别的程序的表，不是 EcoDesk 的数据库。请为 EcoDesk 单独建一个空数据库。</source>
      <translation>The database {address} already holds another program's tables; it is not an EcoDesk database. Create a separate empty database for EcoDesk.</translation>
    </message>
    <message>
      <source>目标数据库 {address} 里已经有数据，没有复制。如确实要用本处的数据覆盖它，请加 --force（覆盖前请先备份目标数据库）。</source>
      <translation>The target database {address} already holds data; nothing was copied. If you really want to overwrite it with the data here, add --force (back up the target database first).</translation>
    </message>
    <message>
      <source>{address} 里还没有 EcoDesk 的数据，没有可复制的内容。</source>
      <translation>{address} holds no EcoDesk data yet; there is nothing to copy.</translation>
    </message>
    <message>
      <source>目标数据库 {address} 的数据结构（{target}）比要复制的数据（{source}）新，没有复制。请先用本程序打开一次要复制的数据（会自动升级），再复制。</source>
      <translation>The data structure of the target database {address} ({target}) is newer than that of the data to copy ({source}); nothing was copied. First open the data to copy once with this program (it is upgraded automatically), then copy.</translation>
    </message>
    <message>
      <source>已恢复，但有 {n} 个附件的文件不在这份备份和本机数据文件夹中：{names}。这些附件需要重新添加。</source>
      <translation>Restored, but the files of {n} attachments are neither in this backup nor in this computer's data folder: {names}. Those attachments must be added again.</translation>
    </message>
    <message>
      <source>备份中缺少 {n} 个附件的文件（本机数据文件夹中没有）：{names}</source>
      <translation>The backup lacks the files of {n} attachments (they are not in this computer's data folder): {names}</translation>
    </message>
    <message>
      <source>有 {n} 个附件的文件不在原数据文件夹中，没有复制：{names}</source>
      <translation>The files of {n} attachments are not in the original data folder and were not copied: {names}</translation>
    </message>
    <message>
      <source>修改表单</source>
      <translation>change the forms</translation>
    </message>
    <message>
      <source>签名</source>
      <translation>sign</translation>
    </message>
    <message>
      <source>要放回的附件不在这个表格上（编号 {id}），没有保存。</source>
      <translation>The attachment to put back is not on this table (number {id}); nothing was saved.</translation>
    </message>
    <message>
      <source>表格行的对应关系不对（程序错误），没有保存。请重新打开表单再试。</source>
      <translation>The table rows did not match up (a program error); nothing was saved. Please reopen the form and try again.</translation>
    </message>
    <message>
      <source>单位信息“{entries}”</source>
      <translation>the unit information “{entries}”</translation>
    </message>
    <message>
      <source>（删除了这一行）</source>
      <translation>(deleted this row)</translation>
    </message>
    <message>
      <source>第 {row} 行“{column}”：{value}</source>
      <translation>row {row} “{column}”: {value}</translation>
    </message>
    <message>
      <source>行政区划代码</source>
      <translation>division code</translation>
    </message>
    <message>
      <source>行政区划</source>
      <translation>division</translation>
    </message>
    <message>
      <source>填报单位（部门）</source>
      <translation>reporting unit (department)</translation>
    </message>
    <message>
      <source>填报人</source>
      <translation>prepared by</translation>
    </message>
    <message>
      <source>审核人</source>
      <translation>reviewer</translation>
    </message>
    <message>
      <source>联系电话</source>
      <translation>phone</translation>
    </message>
    <message>
      <source>单位负责人</source>
      <translation>head of unit</translation>
    </message>
    <message>
      <source>{form} {table}（{n} 处）</source>
      <translation>{form} {table} ({n} places)</translation>
    </message>
    <message>
      <source>{form} {table} 第 {row} 行“{column}”</source>
      <translation>{form} {table}, row {row} “{column}”</translation>
    </message>
    <message>
      <source>{form} {table} 第 {row} 行</source>
      <translation>{form} {table}, row {row}</translation>
    </message>
  </context>
  <context>
    <name>verify</name>
    <message>
      <source>{name}：有效。{unit}，{period}，第{revision}版，签名密钥指纹 {fp}。</source>
      <translation>{name}: valid. {unit}, {period}, revision {revision}, signing key fingerprint {fp}.</translation>
    </message>
    <message>
      <source>有效</source>
      <translation>Valid</translation>
    </message>
    <message>
      <source>已被改动</source>
      <translation>Altered</translation>
    </message>
    <message>
      <source>签名人未登记</source>
      <translation>Signer not registered</translation>
    </message>
    <message>
      <source>密钥登记单位不符</source>
      <translation>Key registered to another unit</translation>
    </message>
    <message>
      <source>文件损坏</source>
      <translation>Damaged file</translation>
    </message>
    <message>
      <source>{name}：签名与签名数据不符，签名数据表或签名已被改动，内容不可信。</source>
      <translation>{name}: the signature does not match the signed data; the data sheet or the signature has been altered, so the content cannot be trusted.</translation>
    </message>
    <message>
      <source>{name}：可见内容与签名数据不符（{where}），文件在签名后被改动。</source>
      <translation>{name}: the visible content does not match the signed data ({where}); the file was altered after it was signed.</translation>
    </message>
    <message>
      <source>{name}：签名完好，但其中的数据无法解读，可能由不兼容的程序版本生成。</source>
      <translation>{name}: the signature is intact, but the data in it cannot be read; it may come from an incompatible version of the program.</translation>
    </message>
    <message>
      <source>{name}：签名完好，但签名密钥（指纹 {fp}）不在密钥登记中，无法确认是谁签的。请核对该单位报送的密钥登记表，登记后再验证。</source>
      <translation>{name}: the signature is intact, but the signing key (fingerprint {fp}) is not in the key registry, so who signed it cannot be confirmed. Check the key registration sheet the unit sent, register the key, then verify again.</translation>
    </message>
    <message>
      <source>{name}：工作簿自称来自 {claimed}，但签名密钥登记在 {owner} 名下，不能作为 {claimed} 的报送。</source>
      <translation>{name}: the workbook says it comes from {claimed}, but its signing key is registered to {owner}, so it cannot count as a submission of {claimed}.</translation>
    </message>
    <message>
      <source>签名密钥已于 {when} 更换，这是用旧密钥签署的工作簿。</source>
      <translation>The signing key was replaced on {when}; this workbook was signed with the old key.</translation>
    </message>
    <message>
      <source>登记文件夹中有 {n} 个文件无法识别，已忽略。</source>
      <translation>{n} files in the key registry folder could not be read and were ignored.</translation>
    </message>
    <message>
      <source>文件签名后曾由 {app} 另存，内容未变。</source>
      <translation>After signing, the file was saved again by {app}; its content is unchanged.</translation>
    </message>
    <message>
      <source>……另有 {n} 处不符</source>
      <translation>… and {n} more differences</translation>
    </message>
    <message>
      <source>签名数据摘要 {digest}</source>
      <translation>Signed data digest {digest}</translation>
    </message>
    <message>
      <source>{name}（{code}）</source>
      <translation>{name} ({code})</translation>
    </message>
    <message>
      <source>不是 EcoDesk 签名报表</source>
      <translation>Not an EcoDesk signed workbook</translation>
    </message>
    <message>
      <source>{name}：有效的审核意见书。{reviewer} 审核 {unit} {period}第{revision}版：{decision}，查询 {n} 条，签名密钥指纹 {fp}。</source>
      <translation>{name}: valid review feedback. {reviewer} on {unit}, {period}, revision {revision}: {decision}, {n} queries, signing key fingerprint {fp}.</translation>
    </message>
    <message>
      <source>{name}：签名完好，但审核单位的签名密钥（指纹 {fp}）未登记，无法确认是谁签的。请核对上级的密钥登记表，用 ecodesk keys trust 登记后再导入。</source>
      <translation>{name}: the signature is intact, but the reviewing office's key (fingerprint {fp}) is not registered, so who signed it cannot be confirmed. Compare the office's key registration sheet, register it with ecodesk keys trust, then import again.</translation>
    </message>
    <message>
      <source>{name}：审核意见书自称来自 {claimed}，但签名密钥登记在 {owner} 名下。</source>
      <translation>{name}: the feedback claims to come from {claimed}, but its signing key is registered to {owner}.</translation>
    </message>
    <message>
      <source>{name}：签名完好，但其中的审核意见无法解读，可能由不兼容的程序版本生成。</source>
      <translation>{name}: the signature is intact, but the feedback in it cannot be read; an incompatible version of the program may have made it.</translation>
    </message>
    <message>
      <source>有效，但显示被改动</source>
      <translation>Valid, but display altered</translation>
    </message>
    <message>
      <source>报送工作簿</source>
      <translation>submission</translation>
    </message>
    <message>
      <source>审核意见书</source>
      <translation>review feedback</translation>
    </message>
    <message>
      <source>{name}：签名数据有效（{unit}，{period}，第{revision}版），但文件的显示方式在签名后被改动（{what}），打开文件看到的可能与签名内容不同。汇总以签名数据为准；如需阅读原样，请向报送单位索取原文件。</source>
      <translation>{name}: the signed data is valid ({unit}, {period}, revision {revision}), but the way the file displays was altered after signing ({what}), so what you see when opening the file may differ from what was signed. The consolidation uses the signed data; to read the original, ask the submitting unit for the original file.</translation>
    </message>
    <message>
      <source>{message} 但附件有 {n} 处与签名不符：{first}</source>
      <translation>{message} But {n} attachment problems were found: {first}</translation>
    </message>
    <message>
      <source>有效，但附件缺失或不符</source>
      <translation>Valid, attachments missing or altered</translation>
    </message>
    <message>
      <source>{n} 个附件与签名一致。</source>
      <translation>{n} attachments match the signature.</translation>
    </message>
    <message>
      <source>报送包 {name} 已拒收：{reason}。</source>
      <translation>Package {name} refused: {reason}.</translation>
    </message>
    <message>
      <source>该报表按表单包 {theirs}（摘要 {their_digest}）填写，本机使用的表单包是 {ours}（摘要 {our_digest}）：汇总时按指标代码对应，对方表单包中没有的指标记为未报。</source>
      <translation>This workbook was made under form pack {theirs} (digest {their_digest}); this computer uses form pack {ours} (digest {our_digest}). Consolidation matches indicators by code; indicators not in their pack count as not reported.</translation>
    </message>
    <message>
      <source>迟报 {n} 天（截止日期 {due}，导出于 {when}），迟报原因：{reason}</source>
      <translation>{n} days late (due {due}, exported {when}), reason: {reason}</translation>
    </message>
    <message>
      <source>（未写明）</source>
      <translation>(not given)</translation>
    </message>
  </context>
  <context>
    <name>workbook</name>
    <message>
      <source>工作表“{sheet}”单元格 {cell}：签名时为“{expected}”，现在为“{found}”</source>
      <translation>sheet "{sheet}", cell {cell}: "{expected}" when signed, now "{found}"</translation>
    </message>
    <message>
      <source>{number}（{fmt}）</source>
      <translation>{number} ({fmt})</translation>
    </message>
    <message>
      <source>常规格式</source>
      <translation>general format</translation>
    </message>
    <message>
      <source>文本格式</source>
      <translation>text format</translation>
    </message>
    <message>
      <source>百分比</source>
      <translation>percentage</translation>
    </message>
    <message>
      <source>数字</source>
      <translation>number</translation>
    </message>
    <message>
      <source>千位分隔</source>
      <translation>thousands separator</translation>
    </message>
    <message>
      <source>{n} 位小数</source>
      <translation>{n} decimals</translation>
    </message>
    <message>
      <source>不显示小数</source>
      <translation>no decimals</translation>
    </message>
    <message>
      <source>，</source>
      <translation>, </translation>
    </message>
    <message>
      <source>公式 {text}</source>
      <translation>formula {text}</translation>
    </message>
    <message>
      <source>（空）</source>
      <translation>(empty)</translation>
    </message>
    <message>
      <source>文件 {name} 是 EcoDesk 工作簿，但其中的签名数据表被删除或改动（{reason}），无法证明内容未被修改。</source>
      <translation>The file {name} is an EcoDesk workbook, but its signed data sheet was deleted or altered ({reason}), so nothing proves its content is unchanged.</translation>
    </message>
    <message>
      <source>多出了工作表“{sheet}”</source>
      <translation>an extra sheet "{sheet}"</translation>
    </message>
    <message>
      <source>没有 EcoDesk 签名数据</source>
      <translation>it has no EcoDesk signed data</translation>
    </message>
    <message>
      <source>工作表“{sheet}”被删除</source>
      <translation>the sheet "{sheet}" was deleted</translation>
    </message>
    <message>
      <source>签名数据表不存在</source>
      <translation>the signed data sheet is missing</translation>
    </message>
    <message>
      <source>签名数据表格式不对</source>
      <translation>the signed data sheet is malformed</translation>
    </message>
    <message>
      <source>文件 {name} 已损坏或不完整，无法读取（{reason}）。请向报送单位索取原文件重新发送。</source>
      <translation>The file {name} is damaged or incomplete and cannot be read ({reason}). Ask the reporting unit to send the original file again.</translation>
    </message>
    <message>
      <source>找不到文件 {path}，请检查文件名和所在文件夹。</source>
      <translation>The file {path} cannot be found. Check the file name and its folder.</translation>
    </message>
    <message>
      <source>包含 {n} 个部件，远超正常工作簿</source>
      <translation>it holds {n} parts, far more than a real workbook</translation>
    </message>
    <message>
      <source>文件过大（{mb} MB）</source>
      <translation>the file is too large ({mb} MB)</translation>
    </message>
    <message>
      <source>这是旧版 .xls 或加密的文件，不是 .xlsx</source>
      <translation>it is an old .xls or an encrypted file, not .xlsx</translation>
    </message>
    <message>
      <source>不是 Excel .xlsx 文件</source>
      <translation>it is not an Excel .xlsx file</translation>
    </message>
    <message>
      <source>压缩包里没有 Excel 工作簿</source>
      <translation>the archive holds no Excel workbook</translation>
    </message>
    <message>
      <source>压缩结构损坏，文件可能没有下载或复制完整</source>
      <translation>the archive structure is damaged; the file may not have been downloaded or copied completely</translation>
    </message>
    <message>
      <source>解压后体积异常，将超过 {mb} MB（可能是恶意构造的文件）</source>
      <translation>it would unpack to more than {mb} MB (possibly a maliciously crafted file)</translation>
    </message>
    <message>
      <source>解压后体积异常，压缩比 {ratio}:1，疑似“压缩炸弹”</source>
      <translation>it would unpack at a compression ratio of {ratio}:1, which looks like a "zip bomb"</translation>
    </message>
    <message>
      <source>无法打开：{e}</source>
      <translation>it cannot be opened: {e}</translation>
    </message>
    <message>
      <source>压缩包里没有可读的工作簿</source>
      <translation>the archive holds no readable workbook</translation>
    </message>
    <message>
      <source>内容无法解析</source>
      <translation>its content cannot be parsed</translation>
    </message>
    <message>
      <source>封面</source>
      <translation>Cover</translation>
    </message>
    <message>
      <source>签名</source>
      <translation>Signature</translation>
    </message>
    <message>
      <source>完成</source>
      <translation>Done</translation>
    </message>
    <message>
      <source>表{code} {title}</source>
      <translation>Form {code} {title}</translation>
    </message>
    <message>
      <source>文件 {name} 不是 EcoDesk 导出的签名报表（{reason}）。</source>
      <translation>The file {name} is not a signed workbook exported by EcoDesk ({reason}).</translation>
    </message>
    <message>
      <source>签名数据超过 {n} 条</source>
      <translation>more than {n} signed data rows</translation>
    </message>
    <message>
      <source>文件 {name} 的内容规模远超正常的 EcoDesk 工作簿（{reason}），可能是恶意构造的文件，已拒绝读取。请向报送单位索取原文件。</source>
      <translation>The file {name} is far larger inside than any EcoDesk workbook ({reason}); it may have been built to do harm, so it was not read. Ask the sending unit for the original file.</translation>
    </message>
    <message>
      <source>压缩内容损坏</source>
      <translation>the compressed content is damaged</translation>
    </message>
    <message>
      <source>部件 {part} 解压后 {mb} MB，超过 {limit} MB</source>
      <translation>part {part} unpacks to {mb} MB, more than {limit} MB</translation>
    </message>
    <message>
      <source>单元格格式超过 {n} 种</source>
      <translation>more than {n} cell formats</translation>
    </message>
    <message>
      <source>单元格总数超过 {n} 个</source>
      <translation>more than {n} cells in all</translation>
    </message>
    <message>
      <source>字体、填充、边框或数字格式超过 {n} 种</source>
      <translation>more than {n} fonts, fills, borders or number formats</translation>
    </message>
    <message>
      <source>共享字符串超过 {n} 个</source>
      <translation>more than {n} shared strings</translation>
    </message>
    <message>
      <source>共享字符串总长超过 {n} 个字符</source>
      <translation>shared strings longer than {n} characters in all</translation>
    </message>
    <message>
      <source>部件 {part} 含有超过 {n} 个 XML 元素</source>
      <translation>part {part} has more than {n} XML elements</translation>
    </message>
    <message>
      <source>XML 元素总数超过 {n} 个</source>
      <translation>more than {n} XML elements in all</translation>
    </message>
    <message>
      <source>工作表超过 {n} 张</source>
      <translation>more than {n} sheets</translation>
    </message>
    <message>
      <source>部件 {part} 含有 XML 实体声明，疑似“XML 炸弹”</source>
      <translation>part {part} declares XML entities (a likely "XML bomb")</translation>
    </message>
    <message>
      <source>部件 {part} 不是 UTF-8 XML</source>
      <translation>part {part} is not UTF-8 XML</translation>
    </message>
    <message>
      <source>部件 {part} 没有内容</source>
      <translation>part {part} is empty</translation>
    </message>
    <message>
      <source>工作表“{sheet}”超过 {n} 行</source>
      <translation>sheet "{sheet}" has more than {n} rows</translation>
    </message>
    <message>
      <source>行号无效</source>
      <translation>invalid row number</translation>
    </message>
    <message>
      <source>工作表“{sheet}”超过 {n} 个单元格</source>
      <translation>sheet "{sheet}" has more than {n} cells</translation>
    </message>
    <message>
      <source>工作表“{sheet}”超过 {n} 列</source>
      <translation>sheet "{sheet}" has more than {n} columns</translation>
    </message>
    <message>
      <source>工作表“{sheet}”的单元格范围超过 {n} 个单元格</source>
      <translation>the cell range of sheet "{sheet}" spans more than {n} cells</translation>
    </message>
    <message>
      <source>工作表“{sheet}”的合并单元格范围过大（超过 {n} 个单元格或 {m} 处）</source>
      <translation>the merged cells of sheet "{sheet}" are too large (more than {n} cells or {m} ranges)</translation>
    </message>
    <message>
      <source>单元格地址无效：{ref}</source>
      <translation>invalid cell address: {ref}</translation>
    </message>
    <message>
      <source>工作表“{sheet}”声明的范围超过 {n} 个单元格</source>
      <translation>sheet "{sheet}" declares a range of more than {n} cells</translation>
    </message>
    <message>
      <source> 等 {n} 处</source>
      <translation> etc. ({n} in all)</translation>
    </message>
    <message>
      <source>工作表“{sheet}”被隐藏</source>
      <translation>Sheet "{sheet}" is hidden</translation>
    </message>
    <message>
      <source>工作表“{sheet}”第 {rows} 行被隐藏或压扁</source>
      <translation>Sheet "{sheet}" has hidden or squashed rows: {rows}</translation>
    </message>
    <message>
      <source>工作表“{sheet}”有列被隐藏或压窄（{cols}）</source>
      <translation>Sheet "{sheet}" has hidden or narrowed columns ({cols})</translation>
    </message>
    <message>
      <source>条件格式</source>
      <translation>conditional formatting</translation>
    </message>
    <message>
      <source>图片、图形或控件</source>
      <translation>pictures, shapes or controls</translation>
    </message>
    <message>
      <source>批注</source>
      <translation>comments</translation>
    </message>
    <message>
      <source>超链接</source>
      <translation>hyperlinks</translation>
    </message>
    <message>
      <source>数据验证（输入提示）</source>
      <translation>data validation (input messages)</translation>
    </message>
    <message>
      <source>工作表“{sheet}”的文字单元格被设了改变显示的数字格式：{cells}</source>
      <translation>Text cells in sheet "{sheet}" were given a number format that changes what they display: {cells}</translation>
    </message>
    <message>
      <source>工作表“{sheet}”单元格 {cells} 的文字颜色与底色相同或字号过小，看不见</source>
      <translation>In sheet "{sheet}", the text of cells {cells} is the same colour as the background or too small to see</translation>
    </message>
    <message>
      <source>隐藏的签名数据表被设为可见</source>
      <translation>The hidden signed-data sheet was made visible</translation>
    </message>
    <message>
      <source>工作表“{sheet}”被加上了{what}</source>
      <translation>Sheet "{sheet}" had {what} added</translation>
    </message>
  </context>
  <context>
    <name>sample</name>
    <message>
      <source>{county}已按计划推进{name}相关工作</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{town}{subject}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>截至{year}年底，{facts}。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{year}年，{county}深入贯彻《{plan}》部署，聚焦“{title}”重点任务，细化分解年度目标，压茬推进各项工作。{facts}{pace}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>经{county}相关部门核实，数据真实准确，特此说明。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{short}府办发〔{year}〕{n}号</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{other}人民政府</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>形成{subject}经验材料并印发推广</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{km}公里</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{mu}亩</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>实施{subject}，按计划推进</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>经核实数据无误。{county}本年度有重大项目集中竣工投产（详见重点项目表），带动该项数据较上年大幅增长，已与统计部门核对一致。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>受项目前期手续办理周期影响，进度略滞后于序时要求；{county}已制定赶超措施，预计下一季度完成年度任务。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表格只列入重点项目，合计数另含一般项目，已与台账核对一致。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{notes}，工作成效逐步显现。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>这个数据文件夹里已经有数据，演示数据只能放进一个空文件夹。请用 --data-dir 指定一个新的文件夹。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>区划代码 {code} 不在目录中。请用“ecodesk catalog”查看各县（市、区）的代码。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>三年行动目标任务总体完成。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>各项工作总体符合序时进度要求。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>全年纳入{name}{n}个</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>持续抓好“{title}”各项工作，</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>巩固三年行动成果，建立健全长效机制，</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>紧盯薄弱环节补短板，</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>report</name>
    <message>
      <source>{plan}（省下达：{value}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{text}（{deadline}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已完成</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>未完成</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>较上年上升</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已达到</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>未达到</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>较上年下降</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>与上年持平</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>其中：{name}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{y}年{m}月{d}日</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送单位</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>单位负责人（签字）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>日期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>单位盖章</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>接收单位（市生态文明办）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>经办人（签字）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>登记日期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>接收单位盖章</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名密钥登记表</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>《{plan}》报送程序 EcoDesk</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>公钥指纹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>说明：本单位用上述密钥对报送的工作簿签名。接收单位登记前，请当面或电话与本单位核对公钥指纹；指纹一致方可登记。密钥更换或遗失时，须重新填报本表。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{unit} · 公钥指纹 {fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名密钥登记表 {unit}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>行政区划代码</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>部门</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>生成日期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>公钥（{alg}，Base64 编码）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>右侧二维码含单位、部门、公钥指纹、公钥和生成日期，供接收单位录入核对。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{period}工作进展报送单</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>第 {n} 版</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>共 {n} 个附件，随签名报表装在同一个报送包（.zip）的“附件”文件夹中；市里核验时逐个比对大小和 SHA-256。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{gap}年{gap2}月{gap2}日</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本单位对以上报送数据和情况的真实性、准确性负责。纸质报送单与签名指纹相同的电子工作簿一并报送。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（更正第 {n} 版）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已签名</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>草稿（未签名）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>序号</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>指标</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>单位</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>目标（方案要求）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>上年</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>进度</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（本期无填报内容）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核查询及答复</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>附件清单</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>填报人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>单位负责人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>版本</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>联系电话</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单包版本</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>状态</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名指纹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据摘要</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>说明：{text}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本版替代第{old}版（数据摘要 {digest}），答复审核意见书 {feedback}。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{n}. 查询（{key}）：{question}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>答复：{text}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>所属表单或指标</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>文件名</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>说明</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>大小</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>SHA-256（前16位）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（未填写）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（尚无填报记录）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（尚未审核）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（尚未签发）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>未签名（草稿）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>截止日期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>职责</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>姓名</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签字</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核签字</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>迟报原因</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>草稿（未签名）：仅供内部核对，不能作为正式报送材料</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（未答复）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{unit}{period}报送单</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（表 {code}）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{unit} · {period}报送单 · 第 {rev} 版</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>主要指标</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已说明的提示</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>草稿</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>第 {n} 页 共 {m} 页</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名指纹：{fp}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>数据摘要：{digest}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>未签名（草稿）——不能作为正式报送材料</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>《{plan}》报送单</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>逾期 {n} 天报送。{reason}</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>workbook-sheet</name>
    <message>
      <source>审核意见书</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本审核意见书由 EcoDesk 生成并以审核单位的密钥签名，任何改动都会使验证失败。报送单位请在 EcoDesk 中“导入审核意见”（或 ecodesk feedback import），逐条答复查询；被退回的报送会自动新建修订版，改正并答复后重新签名报送。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送单位</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>行政区划代码</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核的版次</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>第{n}版</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送数据摘要</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核结论</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>退回原因</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>查询</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{n} 条</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核单位</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>审核日期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名算法</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>签名密钥指纹</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>序号</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>位置（指标、表格、章节）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>报送值</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>查询内容</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{y}年{m}月{d}日</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>封面</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本工作簿由 EcoDesk 导出并以填报单位的密钥签名。任何单元格被修改、工作表被删除或增加，验证都会失败。接收单位请用 EcoDesk 的“验证”功能（或 ecodesk verify）核对签名和单位密钥登记，并与单位报送的密钥登记表核对上面的指纹。</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>附件清单（文件在报送包的“附件”文件夹中）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{name}
说明：{note}
大小：{size} 字节  SHA-256：{sha}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>推进情况报送表</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（更正，替代第{old}版）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本报送包含的表</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>填报单位</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>版次</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>填报人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>单位负责人</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>联系电话</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>导出日期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{y}年{m}月{d}日 {t}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表单版本</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>程序版本</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>更正原因</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>截止日期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>迟报原因</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>逾期 {n} 天报送。{reason}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>替代版本数据摘要</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>答复的审核意见书</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>查询{n}及答复</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（{key}）{question}
答复：{answer}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>填报单位：{unit}（{code}）    报送期：{period}    第{revision}版</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表{code}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>指标</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>单位</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>目标</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>上年</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>本期</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>完成进度</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>工作情况</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>表格：{name}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>已说明的提示</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>{plan} 推进情况报送表</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>（本期无）</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>提示内容</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>情况说明</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>